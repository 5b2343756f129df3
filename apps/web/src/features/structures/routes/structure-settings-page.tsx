import type { StructureDetail } from "@medimail/contracts/structures";
import { useOutletContext } from "react-router";
import { ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { useStructureSettings } from "../../shared/api/structures.ts";
import { AdministratorsBlock } from "../components/settings/administrators-block.tsx";
import { EnrolmentBlock } from "../components/settings/enrolment-block.tsx";
import { IdentityBlock } from "../components/settings/identity-block.tsx";
import { LocationBlock } from "../components/settings/location-block.tsx";
import { MssanteBlock } from "../components/settings/mssante-block.tsx";
import { NotificationsBlock } from "../components/settings/notifications-block.tsx";
import { Office365Block } from "../components/settings/office365-block.tsx";
import { ParentBlock } from "../components/settings/parent-block.tsx";

/** "Paramétrage de la structure": one block per subject, each with its own "Enregistrer". */
export function StructureSettingsPage() {
  const structure = useOutletContext<StructureDetail>();
  const settings = useStructureSettings(structure.id);
  if (settings.isPending) return <Loading label="Chargement du paramétrage…" />;
  if (settings.isError) return <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />;
  return (
    <div className="settings">
      {!settings.data.permissions.administer && (
        <div className="alert alert--info" role="status">
          <p>Accès en lecture seule : vous ne pouvez pas modifier cette structure.</p>
        </div>
      )}
      {/* each block keeps its own input; after a save it is reset to what was saved */}
      <IdentityBlock settings={settings.data} />
      <LocationBlock settings={settings.data} />
      <ParentBlock structure={structure} settings={settings.data} />
      <AdministratorsBlock settings={settings.data} />
      <NotificationsBlock settings={settings.data} />
      <EnrolmentBlock settings={settings.data} />
      <MssanteBlock settings={settings.data} />
      <Office365Block settings={settings.data} />
    </div>
  );
}
