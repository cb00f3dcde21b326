// Validates Kubernetes objects against the Kubernetes API's OpenAPI schemas, offline, with the kubernetes-models
// packages (core and apps/... from `kubernetes-models`, KEDA's CRDs from `@kubernetes-models/keda`). These are ESM
// only, so the (CommonJS) test suite runs this file as a child process: JSON array of objects on stdin, a JSON array
// of {kind, name, errors} on stdout — one entry per object, errors empty when it is valid.
import { readFileSync } from 'node:fs';
import process from 'node:process';

const CRD_PACKAGES = { 'keda.sh': '@kubernetes-models/keda' };

async function modelFor(apiVersion, kind) {
  const group = apiVersion.includes('/') ? apiVersion.split('/')[0] : '';
  const pkg = CRD_PACKAGES[group] ?? 'kubernetes-models';
  let module;
  try {
    module = await import(`${pkg}/${apiVersion}`);
  } catch {
    return undefined;
  }
  return module[kind];
}

const objects = JSON.parse(readFileSync(0, 'utf8'));
const results = [];
for (const object of objects) {
  const name = object?.metadata?.name ?? '(unnamed)';
  const kind = object?.kind ?? '(no kind)';
  const Model = await modelFor(String(object?.apiVersion ?? ''), kind);
  if (!Model) {
    results.push({
      kind,
      name,
      errors: [`no schema known for apiVersion ${object?.apiVersion} kind ${kind}`],
    });
    continue;
  }
  try {
    new Model(object).validate();
    results.push({ kind, name, errors: [] });
  } catch (error) {
    const details = Array.isArray(error?.errors)
      ? error.errors.map(
          (e) => `${e.instancePath || '/'} ${e.message}${e.params ? ' ' + JSON.stringify(e.params) : ''}`,
        )
      : [String(error?.message ?? error)];
    results.push({ kind, name, errors: details });
  }
}
process.stdout.write(JSON.stringify(results));
