import { useEffect, useRef } from "react";

/**
 * A message about the whole form (no field to show it next to), above the form. It takes the focus when it
 * appears, so that keyboard and screen reader users start again from it.
 */
export function FormAlert({ message }: { message: string | null }) {
  const ref = useRef<HTMLDivElement>(null);
  useEffect(() => {
    if (message) ref.current?.focus();
  }, [message]);
  if (!message) return null;
  return (
    <div ref={ref} tabIndex={-1} className="alert alert--error" role="alert">
      <p>{message}</p>
    </div>
  );
}
