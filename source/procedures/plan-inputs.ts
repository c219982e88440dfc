import path from 'node:path';
import type { Answers } from '../answers/types.js';
import { fetchPresentedChain } from '../network/fetch-chain.js';
import { loadConfiguredFiles, serverKey, type HomeSnapshot } from './home-snapshot.js';

/**
 * The one step between reading the home and planning that looks at the world for what the answers name: the
 * target file (is it there, what does it hold), a keystore to copy from, a certificate to import, the CA's reply, a
 * server's chain, and the file the old key would be kept in. Everything lands in the snapshot; a refusal (a missing
 * file, a failed connection) is kept there and raised where the plan uses it, so the plan refuses in the same
 * order and words as when it read the disk itself. They are read again each time (the wizard plans again after
 * going back, and must see a file or server as it is then); the home's own files stay as the snapshot read them.
 * After this, planning reads nothing.
 */
export async function gatherPlanInputs(snapshot: HomeSnapshot, answers: Answers, options: { env: NodeJS.ProcessEnv }): Promise<void> {
  const { files, profile } = snapshot;
  const home = snapshot.located.home;
  // The vault may have been unlocked since the home was read: a role may now resolve to another file.
  await loadConfiguredFiles(snapshot);
  if (answers.procedure === 'truststore') {
    const settings = answers.truststore;
    await files.reload('present', path.join(home, profile.securityDir, settings.fileName));
    if (settings.source === 'existing') await files.reload('keystore', settings.existing.path);
    for (const item of settings.imports) {
      if (item.file !== undefined) {
        await files.reload('certificate', item.file);
        continue;
      }
      snapshot.presented.set(
        serverKey(item.server),
        await fetchPresentedChain(item.server, options.env).then(
          ({ chain }) => ({ chain }),
          (error: unknown) => ({ error }),
        ),
      );
    }
    return;
  }
  const keystore = answers.keystore;
  await files.reload('present', path.join(home, profile.securityDir, keystore.fileName));
  if (keystore.source === 'existing') await files.reload('keystore', keystore.existing.path);
  if (keystore.source === 'ca-reply') await files.reload('ca-reply', keystore.reply);
  if (keystore.source === 'csr') await files.reload('present', keystore.csrFile);
  if (answers.procedure === 'primary' && answers.secrets?.strategy === 'keep-old-key-as-internal') {
    // The copy of the old key is named after the primary's file, with the extension of its format.
    const base = path.basename(snapshot.resolved.roles.primary.file).replace(/\.[^.]+$/, '');
    for (const extension of ['.jks', '.p12'])
      await files.reload('present', path.join(home, profile.securityDir, `${base}-internal${extension}`));
  }
}
