/** What a person sees in a section whose screens are not delivered yet: an honest notice, not a fake screen. */
export function SectionNotYetAvailable({ section }: { section: string }) {
  return (
    <section>
      <h2>{section}</h2>
      <div className="alert alert--info" role="note">
        <p>Cette rubrique n'est pas encore disponible dans cette version de la console.</p>
      </div>
    </section>
  );
}
