import type { ComponentChildren } from 'preact';
import { useEffect, useRef } from 'preact/hooks';

import { useDocumentTitle } from '../hooks';
import { hasNavigated } from '../router';

/**
 * The screen's h1. It takes focus when a client-side navigation opens the screen, so that keyboard
 * and screen-reader users start at the new content rather than at the link they used (a full page
 * load starts at the top anyway).
 */
export function PageHeading({
  title,
  id,
  children,
}: {
  title: string;
  id?: string;
  children?: ComponentChildren;
}) {
  const heading = useRef<HTMLHeadingElement>(null);
  useDocumentTitle(title);
  useEffect(() => {
    if (!hasNavigated()) return;
    if (
      document.activeElement === document.body ||
      document.activeElement?.closest('nav, .page-actions, form')
    )
      heading.current?.focus();
  }, [title]);
  return (
    <div class="page-heading">
      <h1 id={id} tabIndex={-1} ref={heading}>
        {title}
      </h1>
      {children ? <div class="page-actions">{children}</div> : null}
    </div>
  );
}
