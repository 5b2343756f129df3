import { type CurrentUser, consoleRoleLabels } from "@medimail/contracts/auth";
import { useEffect, useId, useRef, useState } from "react";
import { Link, useNavigate } from "react-router";
import { useLogout } from "../api/login.ts";

/** The signed-in user's name and role, with "Mon compte" and "Se déconnecter" (a disclosure menu). */
export function UserMenu({ user }: { user: CurrentUser }) {
  const logout = useLogout();
  const navigate = useNavigate();
  const [open, setOpen] = useState(false);
  const menuId = useId();
  const container = useRef<HTMLDivElement>(null);

  useEffect(() => {
    if (!open) return;
    const close = (event: MouseEvent | KeyboardEvent) => {
      if (
        event instanceof KeyboardEvent ? event.key === "Escape" : !container.current?.contains(event.target as Node)
      ) {
        setOpen(false);
      }
    };
    document.addEventListener("mousedown", close);
    document.addEventListener("keydown", close);
    return () => {
      document.removeEventListener("mousedown", close);
      document.removeEventListener("keydown", close);
    };
  }, [open]);

  return (
    <div className="user-menu" ref={container}>
      <button
        type="button"
        className="user-menu__toggle"
        aria-expanded={open}
        aria-controls={menuId}
        onClick={() => setOpen((value) => !value)}
      >
        <span className="user-menu__name">
          {user.firstName} {user.lastName}
        </span>
        <span className="user-menu__role">{consoleRoleLabels[user.role]}</span>
      </button>
      {open && (
        <ul id={menuId} className="user-menu__list">
          <li>
            <Link to="/mon-compte" onClick={() => setOpen(false)}>
              Mon compte
            </Link>
          </li>
          <li>
            <button
              type="button"
              className="button--link"
              disabled={logout.isPending}
              onClick={() => logout.mutate(undefined, { onSettled: () => navigate("/connexion", { replace: true }) })}
            >
              Se déconnecter
            </button>
          </li>
        </ul>
      )}
    </div>
  );
}
