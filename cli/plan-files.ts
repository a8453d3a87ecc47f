/** The pack config `npm run plan` writes for `stack`: `pulumi preview --stack <stack> --policy-pack policies --policy-pack-config <out>/<this>`. */
export const policyConfigFile = (stack: string) => `policy-config.${stack}.json`;

/** A pack config file of the plan folder; its stack is the first group. */
export const POLICY_CONFIG = /^policy-config\.(.+)\.json$/;
