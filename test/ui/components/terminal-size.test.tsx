import { act } from 'react';
import { render } from 'ink-testing-library';
import { Text } from 'ink';
import { afterEach, describe, expect, it } from 'vitest';
import { Header } from '../../../source/ui/components/header/header.js';
import { TerminalSizeProvider, useRawTerminalSize } from '../../../source/ui/terminal/terminal-size.js';
import { stripAnsi } from '../support/ink.js';

// One terminal-size hook: components (through useWidth) and screens (through useRawTerminalSize) read the same
// size, from the provider when there is one, else from the stream with a listener of their own.

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

const rendered: Array<ReturnType<typeof render>> = [];
afterEach(() => {
  for (const instance of rendered.splice(0)) act(() => instance.unmount());
});

function draw(tree: React.ReactElement): ReturnType<typeof render> {
  let instance: ReturnType<typeof render> | undefined;
  act(() => {
    instance = render(tree);
  });
  rendered.push(instance!);
  return instance!;
}

/** ink-testing-library's stdout says 100 columns; this one says `columns` until told otherwise, then 'resize'. */
function resizeTo(instance: ReturnType<typeof render>, columns: number): void {
  Object.defineProperty(instance.stdout, 'columns', { configurable: true, get: () => columns });
  act(() => {
    instance.stdout.emit('resize');
  });
}

const header = <Header title="ei-keystore" tag="SANDBOX" />;
const frameWidth = (instance: ReturnType<typeof render>): number => stripAnsi(instance.lastFrame() ?? '').length;

function SizeProbe() {
  const { columns, rows } = useRawTerminalSize();
  return <Text>{`${columns}x${rows}`}</Text>;
}

describe('the terminal size', () => {
  it('a component drawn on its own takes the stream width and follows a resize', () => {
    const instance = draw(header);
    expect(frameWidth(instance)).toBe(100);
    resizeTo(instance, 60);
    expect(frameWidth(instance)).toBe(60);
  });

  it('inside the provider, components and screens read the provider size, also when it is pinned', () => {
    const pinned = draw(
      <TerminalSizeProvider fixed={{ columns: 50, rows: 20 }}>
        {header}
        <SizeProbe />
      </TerminalSizeProvider>,
    );
    const [headerLine, probeLine] = stripAnsi(pinned.lastFrame() ?? '').split('\n');
    expect(headerLine).toHaveLength(50);
    expect(probeLine).toBe('50x20');
  });

  it('the provider follows a resize with one listener, however many components read it', () => {
    const bare = draw(<Text>x</Text>);
    const inkListeners = bare.stdout.listenerCount('resize');
    const instance = draw(
      <TerminalSizeProvider>
        {header}
        {header}
        <SizeProbe />
      </TerminalSizeProvider>,
    );
    expect(instance.stdout.listenerCount('resize')).toBe(inkListeners + 1);
    resizeTo(instance, 72);
    const lines = stripAnsi(instance.lastFrame() ?? '').split('\n');
    expect(lines.slice(0, 2).map((line) => line.length)).toEqual([72, 72]);
    expect(lines[2]).toBe('72x24');
  });
});
