import { Link } from "react-router";
import { usePageTitle } from "../../lib/use-page-title.ts";

export function NotFoundPage() {
  usePageTitle("Page introuvable");
  return (
    <section>
      <h1>Page introuvable</h1>
      <p>L'adresse demandée ne correspond à aucune page de la console.</p>
      <Link to="/">Revenir à la liste des structures</Link>
    </section>
  );
}
