import { createBrowserRouter, Navigate } from "react-router";
import { NotFoundPage } from "../components/ui/not-found-page.tsx";
import { AccountPage } from "../features/accounts/routes/account-page.tsx";
import { AccountsSectionPage } from "../features/accounts/routes/accounts-section-page.tsx";
import { CreateAccountPage } from "../features/accounts/routes/create-account-page.tsx";
import { ActivitySectionPage } from "../features/activity/routes/activity-section-page.tsx";
import { AuditLogPage } from "../features/audit/routes/audit-log-page.tsx";
import { RequireSession } from "../features/auth/components/require-session.tsx";
import { LoginPage } from "../features/auth/routes/login-page.tsx";
import { MyAccountPage } from "../features/auth/routes/my-account-page.tsx";
import { ImportPage } from "../features/bulk/imports/routes/import-page.tsx";
import { CaughtMailsPage } from "../features/dev-mails/routes/caught-mails-page.tsx";
import { DirectoryPage } from "../features/directory/routes/directory-page.tsx";
import { FeedReportPage } from "../features/feed-report/routes/feed-report-page.tsx";
import { JobsPage } from "../features/jobs/routes/jobs-page.tsx";
import { MssanteSectionPage } from "../features/mssante/routes/mssante-section-page.tsx";
import { CancelEmailChangePage } from "../features/registration/routes/cancel-email-change-page.tsx";
import { LinkPasswordPage } from "../features/registration/routes/link-password-page.tsx";
import { RegistrationPage } from "../features/registration/routes/registration-page.tsx";
import { LockedAccountsPage } from "../features/security/routes/locked-accounts-page.tsx";
import { StructureHomePage } from "../features/structures/routes/structure-home-page.tsx";
import { StructurePage } from "../features/structures/routes/structure-page.tsx";
import { StructurePickerPage } from "../features/structures/routes/structure-picker-page.tsx";
import { StructureSettingsPage } from "../features/structures/routes/structure-settings-page.tsx";
import { Layout } from "./layout.tsx";

export const router = createBrowserRouter([
  {
    element: <Layout />,
    children: [
      { path: "connexion", element: <LoginPage /> },
      // public pages of accounts: the sign-up form and the single-use links mailed to holders
      { path: "inscription", element: <RegistrationPage /> },
      { path: "inscription/finaliser", element: <LinkPasswordPage purpose="REGISTRATION" /> },
      { path: "mot-de-passe/nouveau", element: <LinkPasswordPage purpose="PASSWORD_RESET" /> },
      { path: "changement-adresse/annuler", element: <CancelEmailChangePage /> },
      // development only (the page says so when the server keeps no mails); needed before sign-in to read a code
      { path: "dev/mails", element: <CaughtMailsPage /> },
      {
        element: <RequireSession />,
        children: [
          { index: true, element: <StructurePickerPage /> },
          {
            path: "structures/:structureId",
            element: <StructurePage />,
            children: [
              { index: true, element: <Navigate to="accueil" replace /> },
              { path: "accueil", element: <StructureHomePage /> },
              { path: "parametrage", element: <StructureSettingsPage /> },
              { path: "utilisateurs", element: <AccountsSectionPage /> },
              { path: "utilisateurs/nouveau", element: <CreateAccountPage /> },
              { path: "utilisateurs/import", element: <ImportPage /> },
              { path: "utilisateurs/:accountId", element: <AccountPage /> },
              { path: "mssante", element: <MssanteSectionPage /> },
              { path: "mssante/rapport", element: <FeedReportPage /> },
              { path: "activite", element: <ActivitySectionPage /> },
            ],
          },
          { path: "journal", element: <AuditLogPage /> },
          { path: "mon-compte", element: <MyAccountPage /> },
          { path: "operations/taches", element: <JobsPage /> },
          { path: "operations/annuaire", element: <DirectoryPage /> },
          { path: "operations/comptes-verrouilles", element: <LockedAccountsPage /> },
          { path: "*", element: <NotFoundPage /> },
        ],
      },
    ],
  },
]);
