// What the console reads from a Promise document: its request kind and the schema of its spec.

/** The version of the Promise's API that is served and stored (else the first). */
export function servedVersion(promise) {
  const versions = promise?.spec?.api?.spec?.versions || [];
  return versions.find((v) => v.served !== false && v.storage) || versions.find((v) => v.served !== false) || versions[0];
}

/** The schema of a request's spec. */
export function specSchema(promise) {
  return servedVersion(promise)?.schema?.openAPIV3Schema?.properties?.spec || { type: 'object', properties: {} };
}

/** The request kind's apiVersion and kind (from the Promise's status, else its API). */
export function requestKind(promise) {
  const api = promise?.spec?.api?.spec;
  return {
    apiVersion: promise?.status?.apiVersion || (api ? `${api.group}/${servedVersion(promise)?.name}` : ''),
    kind: promise?.status?.kind || api?.names?.kind || '',
  };
}

/** A line saying what the Promise offers: its API's own description, else its kind. */
export function description(promise) {
  const schema = servedVersion(promise)?.schema?.openAPIV3Schema;
  return promise?.metadata?.annotations?.['pledge.io/description']
    || schema?.description
    || schema?.properties?.spec?.description
    || `Requests of kind ${requestKind(promise).kind || '?'} (${requestKind(promise).apiVersion || 'no API'}).`;
}

export function available(promise) {
  return promise?.status?.status === 'Available';
}
