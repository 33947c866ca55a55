/**
 * The kit's one way to patch (src/tracing/patcher.ts): coexisting with a shimmer-based patcher
 * (InstrumentationBase#_wrap, what @opentelemetry/instrumentation-openai and most contrib
 * instrumentations use) in both load orders, re-registration replacing instead of stacking, and
 * disabling under another wrapper. The OpenAI suites run the same with the real contrib package
 * (test/openai/once-*.test.ts).
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { InstrumentationBase, type InstrumentationModuleDefinition } from '@opentelemetry/instrumentation';
import { Patcher } from '../../src/tracing/patcher';

type Fn = (this: unknown, ...args: unknown[]) => unknown;

/** Another patcher, as contrib instrumentations wrap: shimmer through InstrumentationBase#_wrap. */
class ShimmerPatcher extends InstrumentationBase {
  constructor(private readonly log: string[]) {
    super('test/shimmer', '1.0.0', { enabled: false });
  }
  protected init(): InstrumentationModuleDefinition[] {
    return [];
  }
  wrapOn(owner: object, key: string): void {
    const log = this.log;
    this._wrap(owner, key as never, ((original: Fn) =>
      function (this: unknown, ...args: unknown[]) {
        log.push('shimmer');
        return original.apply(this, args);
      }) as never);
  }
  unwrapOn(owner: object, key: string): void {
    this._unwrap(owner, key as never);
  }
}

function target(log: string[]) {
  return {
    create(x: number) {
      log.push('sdk');
      return x * 2;
    },
  };
}

function ours(patcher: Patcher, owner: object, log: string[], label = 'aimeter'): void {
  patcher.wrap(owner, 'create', (original) =>
    function (this: unknown, ...args: unknown[]) {
      log.push(label);
      return original.apply(this, args);
    },
  );
}

const MARK = Symbol.for('aimeter.instrumentation-test.original');

test('aimeter first, then a shimmer patcher: both run, nested, the value unchanged', () => {
  const log: string[] = [];
  const owner = target(log);
  ours(new Patcher(MARK), owner, log);
  new ShimmerPatcher(log).wrapOn(owner, 'create');
  assert.equal(owner.create(21), 42);
  assert.deepEqual(log, ['shimmer', 'aimeter', 'sdk']);
});

test('a shimmer patcher first, then aimeter: both run, nested', () => {
  const log: string[] = [];
  const owner = target(log);
  new ShimmerPatcher(log).wrapOn(owner, 'create');
  ours(new Patcher(MARK), owner, log);
  assert.equal(owner.create(21), 42);
  assert.deepEqual(log, ['aimeter', 'shimmer', 'sdk']);
});

test('aimeter\'s wrapper carries no shimmer marker (a shimmer _wrap does not unwrap it first)', () => {
  const log: string[] = [];
  const owner = target(log);
  ours(new Patcher(MARK), owner, log);
  const fn = owner.create as unknown as Record<string, unknown>;
  assert.equal(fn.__wrapped, undefined);
  assert.equal(fn.__original, undefined);
  assert.equal(typeof (owner.create as unknown as Record<symbol, unknown>)[MARK], 'function');
});

test('wrap twice from one patcher: installed once', () => {
  const log: string[] = [];
  const owner = target(log);
  const p = new Patcher(MARK);
  ours(p, owner, log);
  assert.equal(p.wrap(owner, 'create', (o) => o), false);
  owner.create(1);
  assert.deepEqual(log, ['aimeter', 'sdk']);
});

test('a second aimeter instance replaces the first one\'s outermost wrapper instead of stacking', () => {
  const log: string[] = [];
  const owner = target(log);
  ours(new Patcher(MARK), owner, log, 'first');
  ours(new Patcher(MARK), owner, log, 'second');
  owner.create(1);
  assert.deepEqual(log, ['second', 'sdk']);
});

test('unwrap restores the original when outermost; under another wrapper it stays in the chain', () => {
  const log: string[] = [];
  const owner = target(log);
  const original = owner.create;
  const p = new Patcher(MARK);
  ours(p, owner, log);
  p.unwrap(owner, 'create');
  assert.equal(owner.create, original);
  assert.equal(p.isInstalled(owner, 'create'), false);

  ours(p, owner, log);
  const shimmer = new ShimmerPatcher(log);
  shimmer.wrapOn(owner, 'create');
  p.unwrap(owner, 'create');
  log.length = 0;
  owner.create(1);
  assert.deepEqual(log, ['shimmer', 'aimeter', 'sdk'], 'still in the chain (disabled instrumentations pass through)');
  assert.equal(p.isInstalled(owner, 'create'), true);
  shimmer.unwrapOn(owner, 'create');
  p.unwrap(owner, 'create');
  assert.equal(owner.create, original);
});

test('no such method, or no owner: nothing is installed', () => {
  const p = new Patcher(MARK);
  assert.equal(p.wrap(undefined, 'create', (o) => o), false);
  assert.equal(p.wrap({ create: 1 }, 'create', (o) => o), false);
  assert.doesNotThrow(() => p.unwrap({}, 'create'));
});

test('an inherited method is wrapped on the subclass and calls the base class\'s CURRENT method; unwrap makes it inherited again', () => {
  const log: string[] = [];
  class Base {
    send(x: number): number {
      log.push('base');
      return x + 1;
    }
  }
  class Client extends Base {}
  const patcher = new Patcher(Symbol('test.inherited'));
  const wrap = (original: Fn) =>
    function (this: unknown, ...args: unknown[]) {
      log.push('aimeter');
      return original.apply(this, args);
    };
  assert.equal(patcher.wrap(Client.prototype, 'send', wrap), true);
  assert.equal(Object.prototype.hasOwnProperty.call(Client.prototype, 'send'), true);
  assert.equal(new Client().send(1), 2);
  assert.deepEqual(log.splice(0), ['aimeter', 'base']);
  // Another instrumentation patches the base class AFTER ours (contrib's aws-sdk patches the shared base client).
  new ShimmerPatcher(log).wrapOn(Base.prototype, 'send');
  assert.equal(new Client().send(1), 2);
  assert.deepEqual(log.splice(0), ['aimeter', 'shimmer', 'base']);
  patcher.unwrap(Client.prototype, 'send');
  assert.equal(Object.prototype.hasOwnProperty.call(Client.prototype, 'send'), false, 'inherited again');
  assert.equal(new Client().send(1), 2);
  assert.deepEqual(log.splice(0), ['shimmer', 'base']);
});
