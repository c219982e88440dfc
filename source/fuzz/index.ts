/** The fuzzer's entry for scripts/fuzz.mjs, which bundles this file with esbuild. */
export { runCampaign, type CampaignFigures, type CampaignOptions, type Failure } from './campaign.js';
export { keytoolSeeds, shippedSeeds, tomlInvalidFiles, wso2ConfigSeeds } from './seeds.js';
