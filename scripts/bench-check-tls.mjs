// The check-tls row of `npm run bench`: ei-keystore check-tls against a local openssl s_server, beside
// `openssl s_client -connect` on the same server (issue 13: within 2x). The server is its own process, so the
// benchmark's synchronous timing does not block it.
import { spawn, spawnSync } from 'node:child_process';
import net from 'node:net';
import path from 'node:path';
import { measureInterleaved, timeCommand } from './bench-measure.mjs';

/** @returns {Promise<number>} */
function freePort() {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.listen(0, '127.0.0.1', () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (probe.address());
      probe.close(() => resolve(port));
    });
  });
}

/** @param {number} port */
async function waitForPort(port) {
  for (let attempt = 0; attempt < 200; attempt++) {
    const open = await new Promise((resolve) => {
      const socket = net.connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`openssl s_server did not listen on ${port}`);
}

/**
 * @param {{ work: string; runs: number; bin: string; env: NodeJS.ProcessEnv; home: string; row: import('./bench-measure.mjs').AddRow; section: (title: string) => void }} bench
 */
export async function checkTlsBench({ work, runs, bin, env, home, row, section }) {
  process.stderr.write('check-tls...\n');
  const dir = path.join(work, 'check-tls');
  spawnSync('mkdir', ['-p', dir]);
  const made = spawnSync(
    'openssl',
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-keyout',
      path.join(dir, 'key.pem'),
      '-out',
      path.join(dir, 'cert.pem'),
      '-days',
      '30',
      '-subj',
      '/CN=bench.test',
      '-addext',
      'subjectAltName=DNS:bench.test',
    ],
    { stdio: 'ignore' },
  );
  if (made.status !== 0) throw new Error('openssl req failed');
  const port = await freePort();
  const server = spawn(
    'openssl',
    ['s_server', '-accept', `127.0.0.1:${port}`, '-key', path.join(dir, 'key.pem'), '-cert', path.join(dir, 'cert.pem'), '-quiet'],
    { stdio: ['pipe', 'ignore', 'ignore'] },
  );
  try {
    await waitForPort(port);
    const results = measureInterleaved(
      [
        // What any command of the one file costs before it does anything: node's start and the bundle's compile.
        { name: 'version', run: () => timeCommand(process.execPath, [bin, '--version'], { env }).ms },
        {
          name: 's_client',
          run: () =>
            timeCommand('openssl', ['s_client', '-connect', `127.0.0.1:${port}`, '-servername', 'bench.test'], { env, input: '' }).ms,
        },
        // Not trusted (the truststore does not hold the self-signed certificate): exit 1, the whole judgement made.
        {
          name: 'check-tls',
          run: () =>
            timeCommand(process.execPath, [bin, 'check-tls', `127.0.0.1:${port}`, '--servername', 'bench.test', '--home', home], {
              env,
              allowFailure: true,
            }).ms,
        },
      ],
      runs,
    );
    const sClient = results.get('s_client').median;
    section('`check-tls` against a local `openssl s_server` (self-signed RSA-2048 certificate)');
    row('`openssl s_client -connect`', sClient);
    const version = results.get('version').median;
    const checkTls = results.get('check-tls').median;
    row('`ei-keystore --version` (start-up alone)', version, [['`s_client`', sClient]]);
    row(
      '`ei-keystore check-tls --home`',
      checkTls,
      [
        ['`s_client`', sClient],
        ['`--version`', version],
      ],
      { limit: 2, base: sClient, baseLabel: '`openssl s_client -connect`' },
    );
    row('check-tls beyond start-up (check-tls - `--version`)', Math.max(0, checkTls - version), [['`s_client`', sClient]]);
  } finally {
    server.kill('SIGTERM');
  }
}
