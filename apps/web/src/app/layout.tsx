import { Link, NavLink, Outlet, ScrollRestoration } from "react-router";
import { UserMenu } from "../features/auth/components/user-menu.tsx";
import { useDevMailsAvailable } from "../features/shared/api/dev-mails.ts";
import { useSession } from "../features/shared/api/session.ts";

export function Layout() {
  const devMails = useDevMailsAvailable();
  const user = useSession().data?.user ?? null;
  return (
    <>
      <a className="skip-link" href="#contenu">
        Aller au contenu
      </a>
      <header className="app-header">
        <div className="container app-header__inner">
          <Link to="/" className="app-header__brand">
            <span aria-hidden="true" className="app-header__logo">
              ✉
            </span>
            <span>
              <span className="app-header__title">Medimail Admin</span>
              <span className="app-header__tagline">Messagerie sécurisée de santé — administration</span>
            </span>
          </Link>
          <nav aria-label="Navigation principale" className="app-header__nav">
            {user && (
              <>
                <NavLink to="/" end>
                  Structures
                </NavLink>
                <NavLink to="/journal">Journal d'audit</NavLink>
                {(user.isOperator || user.role === "SUPPORT") && (
                  <NavLink to="/operations/taches">Tâches planifiées</NavLink>
                )}
                {(user.isOperator || user.role === "SUPPORT") && <NavLink to="/operations/annuaire">Annuaire</NavLink>}
                {user.isOperator && <NavLink to="/operations/comptes-verrouilles">Comptes verrouillés</NavLink>}
              </>
            )}
            {devMails.data && <NavLink to="/dev/mails">E-mails interceptés</NavLink>}
          </nav>
          {user && <UserMenu user={user} />}
        </div>
      </header>
      <main id="contenu" tabIndex={-1} className="container app-main">
        <Outlet />
      </main>
      <footer className="app-footer">
        <div className="container">Medimail Admin — console des administrateurs de structure et du GRADeS</div>
      </footer>
      <ScrollRestoration />
    </>
  );
}
