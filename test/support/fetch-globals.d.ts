/**
 * The project compiles without the DOM lib; @types/node declares fetch, Request and Response
 * globally but not the DOM's `BodyInit` alias, which the hey-api client (examples/spa-client/heyapi,
 * generated, written for browsers too) names. The same type, taken from Node's own Response.
 * (examples/spa-client/tsconfig.json has the DOM lib and does not include this file.)
 */
type BodyInit = NonNullable<ConstructorParameters<typeof Response>[0]>;
