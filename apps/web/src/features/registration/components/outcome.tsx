import { type ReactNode, useEffect, useRef } from "react";

/**
 * What a public page ends on (registered, password set, link unusable): its heading takes the focus, so that
 * screen readers announce the new content that replaced the form.
 */
export function Outcome({ title, children }: { title: string; children: ReactNode }) {
  const heading = useRef<HTMLHeadingElement>(null);
  useEffect(() => heading.current?.focus(), []);
  return (
    <div className="login">
      <h1 ref={heading} tabIndex={-1}>
        {title}
      </h1>
      {children}
    </div>
  );
}
