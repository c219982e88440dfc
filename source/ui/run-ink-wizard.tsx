export interface InkWizardOptions {
  home?: string;
  env: NodeJS.ProcessEnv;
  cwd: string;
  now: Date;
  dryRun: boolean;
  keytoolAvailable: boolean;
  sandbox: boolean;
  stdin: NodeJS.ReadStream;
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
}

export async function runInkWizard(options: InkWizardOptions): Promise<number> {
  void options;
  throw new Error('the Ink wizard is being built');
}
