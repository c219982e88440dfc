// postject ships no types; scripts/build-exe.mjs calls this one function (see postject's README).
declare module 'postject' {
  export function inject(
    filename: string,
    resourceName: string,
    resource: Buffer,
    options?: { sentinelFuse?: string; machoSegmentName?: string; overwrite?: boolean },
  ): Promise<void>;
}
