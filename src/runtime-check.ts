/** Fails early, naming the required version, when started on a Node.js that our dependencies do not support. */
export const REQUIRED_NODE = { major: 22, minor: 18 } as const;

export function assertSupportedNode(version: string = process.versions.node): void {
  const [major, minor] = version.split('.').map(Number);
  const supported =
    major > REQUIRED_NODE.major || (major === REQUIRED_NODE.major && minor >= REQUIRED_NODE.minor);
  if (!supported) {
    throw new Error(
      `Tradeflow needs Node.js >= ${REQUIRED_NODE.major}.${REQUIRED_NODE.minor} (24 LTS recommended); this is ${version}. ` +
        'Run it through `npm run …` (the project pins Node 24 as a devDependency) or switch with `nvm use`.',
    );
  }
}
