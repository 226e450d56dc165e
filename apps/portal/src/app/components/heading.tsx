/**
 * A screen heading that takes focus when the screen appears, so keyboard and screen-reader users
 * land on the new step instead of at the top of the page.
 */
import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

/** `<h1>`/`<h2>` focused on mount. */
export function ScreenHeading(props: { level?: 1 | 2; children: ComponentChildren; id?: string }) {
  const ref = useRef<HTMLHeadingElement>(null);
  useEffect(() => {
    ref.current?.focus({ preventScroll: false });
  }, []);
  const Tag = props.level === 2 ? 'h2' : 'h1';
  return (
    <Tag ref={ref} tabIndex={-1} class="screen-heading" id={props.id}>
      {props.children}
    </Tag>
  );
}
