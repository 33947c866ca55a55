/** Required once by subject.ts `require`: the first require() of an app, which starts aimeter under --require. */
export {};
