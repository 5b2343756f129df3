import { createBrowserRouter, Navigate } from "react-router";
import { NotFoundPage } from "../components/ui/not-found-page.tsx";
import { CaughtMailsPage } from "../features/dev-mails/routes/caught-mails-page.tsx";
import { JobsPage } from "../features/jobs/routes/jobs-page.tsx";
import { SectionNotYetAvailable } from "../features/structures/components/section-not-yet-available.tsx";
import { StructureIdentitySummary } from "../features/structures/components/structure-identity-summary.tsx";
import { StructurePage } from "../features/structures/routes/structure-page.tsx";
import { StructurePickerPage } from "../features/structures/routes/structure-picker-page.tsx";
import { Layout } from "./layout.tsx";

export const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { index: true, element: <StructurePickerPage /> },
      {
        path: "structures/:structureId",
        element: <StructurePage />,
        children: [
          { index: true, element: <Navigate to="parametrage" replace /> },
          { path: "parametrage", element: <StructureIdentitySummary /> },
          { path: "utilisateurs", element: <SectionNotYetAvailable section="Gestion des utilisateurs Medimail" /> },
          { path: "mssante", element: <SectionNotYetAvailable section="Gestion des utilisateurs MSSanté" /> },
          { path: "activite", element: <SectionNotYetAvailable section="Activité structure" /> },
        ],
      },
      { path: "operations/taches", element: <JobsPage /> },
      { path: "dev/mails", element: <CaughtMailsPage /> },
      { path: "*", element: <NotFoundPage /> },
    ],
  },
]);
