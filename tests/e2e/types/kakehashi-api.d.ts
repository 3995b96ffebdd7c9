// Types of the console's API calls, derived from the spec: openapi.d.ts is
// generated from api-spec/openapi.yaml by openapi-typescript (ctest
// openapi_types; git-ignored). service/web/app.js names them in JSDoc as
// import("kakehashi-api"), a path tsconfig.console.json maps here, so
// `tsc --checkJs` refuses a call to a path or method the spec does not list,
// or a JSON body the operation's schema does not take. The browser never
// loads these files.
import type { paths, components } from "./openapi";

type Methods = "get" | "post" | "patch" | "delete" | "put";

// "/v1/matches/{id}/events" matches "/v1/matches/" + any id + "/events".
type Pattern<T extends string> = T extends `${infer Head}{${string}}${infer Tail}`
  ? `${Head}${string}${Pattern<Tail>}`
  : T;
// A concrete path, its query string dropped.
type Bare<P extends string> = P extends `${infer Path}?${string}` ? Path : P;

// The spec's templates a concrete path matches, the most specific only: a
// literal segment beats a parameter ("/v1/trainees/import" is not
// "/v1/trainees/{id}") and a longer template a shorter one
// ("/v1/matches/{id}/transitions" is not "/v1/matches/{id}").
type Matching<P extends string> = {
  [T in keyof paths & string]: Bare<P> extends Pattern<T> ? T : never;
}[keyof paths & string];
type MostSpecific<T extends string, All extends string = T> = T extends unknown
  ? ({ [U in Exclude<All, T>]: Pattern<U> extends Pattern<T> ? U : never }[Exclude<All, T>] extends never ? T : never)
  : never;
export type Template<P extends string> = MostSpecific<Matching<P>>;

// The methods the spec gives a concrete path, upper-case as fetch takes them.
export type MethodOf<P extends string> = Uppercase<
  { [M in Methods]: paths[Template<P>][M] extends undefined | never ? never : M }[Methods]>;

type Operation<P extends string, M extends string> = NonNullable<paths[Template<P>][Lowercase<M> & Methods]>;
type JsonOf<C> = C extends { "application/json": infer J } ? J
  : C extends { "application/merge-patch+json": infer J } ? J : never;
// The JSON request body the operation takes (never when it takes none).
export type RequestBody<P extends string, M extends string> =
  Operation<P, M> extends { requestBody?: { content: infer C } } ? JsonOf<C> : never;

export type CallOptions<P extends string, M extends string> = {
  body?: RequestBody<P, M>;
  headers?: Record<string, string>;
  raw?: string;
  contentType?: string;
};

export type Problem = components["schemas"]["Problem"];
export type Schemas = components["schemas"];
