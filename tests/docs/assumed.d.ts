// What the JavaScript blocks of the README and of docs/ take from their surroundings, declared once
// so that tsc checks their use of it. TypeScript blocks declare what they assume themselves.

/** The application's own check of a caller (a session, a signed header), which the docs leave to it. */
declare function isSignedIn(request: Request): Promise<boolean>;

/** Deno's globals, as far as the docs use them. */
declare const Deno: {
  env: { get(name: string): string | undefined };
  serve(handler: (request: Request) => Response | Promise<Response>): unknown;
};
