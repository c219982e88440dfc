import path from 'node:path';
import { printable } from '../core/printable.js';
import type { PlanAction, PreparedChange, RequestSummary } from './prepared.js';

function relative(home: string, file: string): string {
  const rel = path.relative(home, file);
  return rel.startsWith('..') ? file : rel;
}

function actionLine(action: PlanAction, home: string): string {
  switch (action.kind) {
    case 'generate':
      return `generate ${action.what}`;
    case 'take':
      return `take ${action.what}`;
    case 'write-keystore':
      return `${action.created ? 'create' : 'replace'} ${relative(home, action.path)} (${action.replaces ? `${action.replaces}; ` : ''}${action.format}, ${action.entries})`;
    case 'import-certificate':
      return `import ${action.subject} into ${relative(home, action.path)} as "${action.alias}"`;
    case 'already-trusted':
      return `${relative(home, action.path)} already trusts that certificate (as "${action.alias}"): not added twice`;
    case 'remove-certificate':
      return `remove "${action.alias}"${action.subject ? ` (${action.subject}${action.notAfter ? `, ${action.why === 'expired' ? 'expired' : 'valid to'} ${action.notAfter}` : ''})` : ''} from ${relative(home, action.path)}`;
    case 're-encrypt':
      return action.why
        ? `encrypt [secrets] ${action.aliases.join(', ')} (${action.why}) with the internal key's certificate`
        : `re-encrypt [secrets] ${action.aliases.join(', ')} with the new certificate`;
    case 'write-request':
      return `write the certificate signing request for ${action.subject}${action.subjectAltNames.length > 0 ? ` (${action.subjectAltNames.join(', ')})` : ''} to ${relative(home, action.path)}`;
    case 'remove-pending':
      return `remove the pending request ${action.paths.map((file) => relative(home, file)).join(', ')} (its key is now installed)`;
    case 'patch-config':
      return `set ${action.keys.join(', ')} in ${relative(home, action.path)}`;
    case 'backup':
      return `back up ${action.paths.map((file) => relative(home, file)).join(', ')} under .ei-keystore/backups/`;
  }
}

/** One step of the plan as data: its kind (the PlanAction it says) and its sentence, made printable. */
export interface PlanStep {
  kind: PlanAction['kind'];
  text: string;
}

/**
 * The plan as data: a heading, the steps in order, the notes. `renderPlan` prints it for `apply` and plain mode; the
 * wizard's review draws it (numbering and wrapping at its own width) without parsing text. Every text is made
 * printable: steps and notes quote aliases, subjects and paths from keystores and a configuration the home's owner
 * wrote. Never a secret.
 */
export interface PlanView {
  heading: string;
  steps: PlanStep[];
  notes: string[];
}

export function planView(prepared: PreparedChange): PlanView {
  return {
    heading: printable(`Plan for "apply ${prepared.procedure}" on ${prepared.home}:`),
    steps: prepared.actions.map((action) => ({ kind: action.kind, text: printable(actionLine(action, prepared.home)) })),
    notes: prepared.notes.map(printable),
  };
}

/** The plan as a dry run prints it: numbered steps, then notes. */
export function renderPlan(prepared: PreparedChange): string {
  return planText(planView(prepared));
}

/** A plan's text, as `apply` and plain mode print it (the Ink review draws the same rows at its width). */
export function planText(view: PlanView): string {
  const lines = [view.heading, ...view.steps.map((step, index) => `  ${index + 1}. ${step.text}`)];
  if (view.notes.length > 0) lines.push('Notes:', ...view.notes.map((note) => `  - ${note}`));
  return lines.join('\n') + '\n';
}

export function planJson(prepared: PreparedChange): unknown {
  return prepared.actions.map((action) => ({ ...action }));
}

/** What to send to the CA and how to come back with its reply. */
export function requestMessage(request: RequestSummary): string {
  return [
    `Send ${request.csrFile} to your certificate authority (it holds the request for ${request.subject}${request.subjectAltNames.length > 0 ? `, ${request.subjectAltNames.join(', ')}` : ''}; no secret).`,
    `The ${request.renewal ? 'current key (a renewal)' : 'new key'} waits in ${request.pendingKeystore}; the configuration is unchanged until the reply is imported.`,
    request.resume,
  ]
    .map(printable)
    .join('\n');
}
