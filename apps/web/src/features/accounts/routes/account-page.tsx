import { zodResolver } from "@hookform/resolvers/zod";
import { AccountDetail, UpdateAccountRequest } from "@medimail/contracts/accounts";
import type { AccountType } from "@medimail/contracts/enums";
import { type ReactNode, useEffect, useState } from "react";
import { type Resolver, useForm } from "react-hook-form";
import { Link, useParams } from "react-router";
import { ConfirmDialog, Dialog } from "../../../components/ui/dialog.tsx";
import { ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { ApiError, apiGet } from "../../../lib/api-client.ts";
import { applyServerErrors } from "../../../lib/form-errors.ts";
import { formatDateTimeToMinute } from "../../../lib/format.ts";
import { usePageTitle } from "../../../lib/use-page-title.ts";
import { MssAddressDialog } from "../../shared/components/mss-address-dialog.tsx";
import { StateBadge } from "../../shared/components/state-badge.tsx";
import { useAccount, usePasswordReset, useUpdateAccount } from "../api/accounts.ts";
import {
  AccountFields,
  type AccountFormValues,
  formValuesOf,
  TYPE_DESCRIPTIONS,
} from "../components/account-fields.tsx";
import { AccountRowActions } from "../components/account-row-actions.tsx";
import { ChangeStructureDialog } from "../components/change-structure-dialog.tsx";
import { DelegatesBlock } from "../components/delegates-block.tsx";
import { EmailChangeDialog } from "../components/email-change-dialog.tsx";
import { LinkedMailboxesBlock } from "../components/linked-mailboxes-block.tsx";
import { TypeChoice } from "../components/type-choice.tsx";

/** The account's page ("fiche du compte"): every field, its state actions, email, password, type and structure. */
export function AccountPage() {
  const { accountId = "" } = useParams();
  const account = useAccount(accountId);
  usePageTitle(account.data ? `${account.data.firstName} ${account.data.lastName}` : undefined);
  if (account.isPending) return <Loading label="Chargement du compte…" />;
  if (account.isError) return <ErrorState error={account.error} onRetry={() => void account.refetch()} />;
  return <AccountView account={account.data} />;
}

function AccountView({ account }: { account: AccountDetail }) {
  const [dialog, setDialog] = useState<"email" | "type" | "structure" | "password" | "mss" | null>(null);
  const [type, setType] = useState<AccountType>(account.type);
  const [notice, setNotice] = useState<string | null>(null);
  const passwordReset = usePasswordReset(account.id);
  const editable = account.permissions.administer;

  return (
    <>
      <p>
        <Link to=".." relative="path">
          ← Retour à la liste des utilisateurs
        </Link>
      </p>
      <header className="account-header">
        <div>
          <h2>
            {account.firstName} {account.lastName}
          </h2>
          <p>
            <strong>{account.email}</strong> · {account.type} — {TYPE_DESCRIPTIONS[account.type].title} ·{" "}
            <StateBadge state={account.state} /> · {account.structure.name}
          </p>
          {account.permissions.restriction && (
            <p className="alert alert--info" role="note">
              {account.permissions.restriction}
            </p>
          )}
          <p className="muted">
            Créé le {formatDateTimeToMinute(account.createdAt)}
            {account.lastReminderAt && ` · dernière relance le ${formatDateTimeToMinute(account.lastReminderAt)}`}
            {account.mssAddress && ` · adresse MSSanté ${account.mssAddress}`}
          </p>
        </div>
        {editable && (
          <div className="account-header__actions">
            <AccountRowActions account={account} showOpen={false} />
            <button type="button" className="button button--secondary button--small" onClick={() => setDialog("email")}>
              Changer l'adresse mail
            </button>
            <button
              type="button"
              className="button button--secondary button--small"
              onClick={() => setDialog("password")}
            >
              Demander la réinitialisation du mot de passe
            </button>
            <button
              type="button"
              className="button button--secondary button--small"
              onClick={() => setDialog("structure")}
            >
              Changer de structure
            </button>
            {account.type !== "MED" && (
              <button type="button" className="button button--secondary button--small" onClick={() => setDialog("mss")}>
                {account.mssAddress ? "Modifier la correspondance MSSanté" : "Créer la correspondance MSSanté"}
              </button>
            )}
          </div>
        )}
      </header>
      {notice && (
        <p className="alert alert--info" role="status">
          {notice}
        </p>
      )}
      {account.pendingEmailChange && (
        <div className="alert alert--warning">
          <p>
            Changement d'adresse en attente vers <strong>{account.pendingEmailChange.newEmail}</strong> (demandé le{" "}
            {formatDateTimeToMinute(account.pendingEmailChange.requestedAt)}) : il sera appliqué cette nuit.
          </p>
          {editable && (
            <button type="button" className="button button--secondary button--small" onClick={() => setDialog("email")}>
              Modifier la demande
            </button>
          )}
        </div>
      )}

      <section aria-labelledby="fiche-titre" className="card">
        <h2 id="fiche-titre" className="card__title">
          Fiche du compte
        </h2>
        <ProfileForm
          key={account.id}
          account={account}
          type={type}
          editable={editable}
          onRevertType={() => setType(account.type)}
        >
          {editable && (
            <button type="button" className="button button--secondary" onClick={() => setDialog("type")}>
              Changer le type de BAL
            </button>
          )}
        </ProfileForm>
      </section>

      {(account.type === "MED" || account.type === "PER" || account.type === "INT") && (
        <LinkedMailboxesBlock account={account} editable={editable} />
      )}
      <DelegatesBlock account={account} editable={editable} />

      {dialog === "email" && (
        <EmailChangeDialog
          accountId={account.id}
          pending={account.pendingEmailChange}
          currentEmail={account.email}
          onClose={() => setDialog(null)}
        />
      )}
      {dialog === "type" && (
        <Dialog title="Je change le type de BAL de l'utilisateur" onClose={() => setDialog(null)}>
          <TypeChoice
            legend="Choisir le nouveau type de BAL"
            submitLabel="Valider"
            current={account.type}
            onChoose={(chosen) => {
              setType(chosen);
              setDialog(null);
            }}
            onCancel={() => setDialog(null)}
          />
        </Dialog>
      )}
      {dialog === "structure" && <ChangeStructureDialog account={account} onClose={() => setDialog(null)} />}
      {dialog === "mss" && <MssAddressDialog accountId={account.id} onClose={() => setDialog(null)} />}
      {dialog === "password" && (
        <ConfirmDialog
          title="Réinitialiser le mot de passe ?"
          message={
            <p>
              Un lien à usage unique, valable 24 heures, sera envoyé à <strong>{account.email}</strong> pour choisir un
              nouveau mot de passe. L'ancien reste valable jusque-là.
            </p>
          }
          confirmLabel="Envoyer le lien"
          pending={passwordReset.isPending}
          error={passwordReset.error?.message}
          onConfirm={() =>
            passwordReset.mutate(undefined, {
              onSuccess: () => {
                setDialog(null);
                setNotice(`Le lien de réinitialisation est envoyé à ${account.email}.`);
              },
            })
          }
          onClose={() => setDialog(null)}
        />
      )}
    </>
  );
}

function ProfileForm({
  account,
  type,
  editable,
  onRevertType,
  children,
}: {
  account: AccountDetail;
  type: AccountType;
  editable: boolean;
  onRevertType: () => void;
  children: ReactNode;
}) {
  const update = useUpdateAccount(account.id);
  const [formError, setFormError] = useState<string | null>(null);
  const [conflict, setConflict] = useState(false);
  const [saved, setSaved] = useState(false);
  const form = useForm<AccountFormValues>({
    resolver: zodResolver(UpdateAccountRequest) as unknown as Resolver<AccountFormValues>,
    defaultValues: formValuesOf(account, {}),
    shouldFocusError: true,
  });
  // The account was reloaded with a new version (a state action, a save, someone else): an untouched form shows
  // it; a form being edited keeps the input and takes the new version only if the profile itself is unchanged
  // (a validation does not conflict with an edit; another admin's edit does, at save time).
  const [base, setBase] = useState(account);
  useEffect(() => {
    if (account.version === base.version) return;
    const profile = (of: AccountDetail) => JSON.stringify({ ...formValuesOf(of, {}), version: 0 });
    if (!form.formState.isDirty) form.reset(formValuesOf(account, {}));
    else if (profile(account) === profile(base)) form.setValue("version", account.version);
    setBase(account);
  }, [account, base, form]);

  // "Changer le type de BAL": the same form takes the new type's fields, what was typed stays
  useEffect(() => {
    form.setValue("type", type, { shouldDirty: type !== account.type });
  }, [form, type, account.type]);

  /**
   * Someone saved the account since it was opened: the input stays on screen; the form now names the latest
   * version, so saving again is a deliberate choice to replace it, and "Abandonner" shows the saved values.
   */
  const onConflict = async () => {
    setConflict(true);
    const latest = await apiGet(`/accounts/${account.id}`, AccountDetail).catch(() => null);
    if (latest) {
      setLatest(latest);
      form.setValue("version", latest.version);
    }
  };
  const [latest, setLatest] = useState<AccountDetail | null>(null);

  const submit = form.handleSubmit((values) => {
    setFormError(null);
    setConflict(false);
    setSaved(false);
    update.mutate(values as unknown as UpdateAccountRequest, {
      onSuccess: (result) => {
        form.reset({ ...form.getValues(), version: result.version });
        setSaved(true);
      },
      onError: (error) => {
        if (error instanceof ApiError && error.status === 409 && error.envelope.code === "CONFLICT") {
          void onConflict();
        }
        setFormError(applyServerErrors(error, form.setError));
      },
    });
  });
  const hasFieldErrors = Object.keys(form.formState.errors).length > 0;
  return (
    <form onSubmit={submit} noValidate className="form form--wide">
      {type !== account.type && (
        <p className="alert alert--warning" role="status">
          Nouveau type {type} — {TYPE_DESCRIPTIONS[type].title} : complétez ses champs puis « Enregistrer l'utilisateur
          ».{" "}
          <button type="button" className="button button--link" onClick={onRevertType}>
            Revenir au type {account.type}
          </button>
        </p>
      )}
      <fieldset disabled={!editable} className="fieldset fieldset--plain">
        <AccountFields form={form} type={type} emailEditable={false} />
      </fieldset>
      {(formError || hasFieldErrors) && (
        <div className="alert alert--error" role="alert">
          <p>{formError ?? "Corrigez les champs signalés."}</p>
          {conflict && (
            <>
              <p>
                Enregistrer à nouveau remplacera la version enregistrée par votre saisie. Pour la voir, abandonnez votre
                saisie.
              </p>
              {latest && (
                <button
                  type="button"
                  className="button button--secondary button--small"
                  onClick={() => {
                    form.reset({ ...formValuesOf(latest, {}), type: latest.type });
                    setConflict(false);
                    setFormError(null);
                  }}
                >
                  Abandonner ma saisie et afficher la version enregistrée
                </button>
              )}
            </>
          )}
        </div>
      )}
      {saved && !form.formState.isDirty && (
        <p className="alert alert--info" role="status">
          Utilisateur enregistré.
        </p>
      )}
      {editable && (
        <div className="button-row">
          {children}
          <button type="submit" className="button" disabled={update.isPending}>
            {update.isPending ? "Enregistrement…" : "Enregistrer l'utilisateur"}
          </button>
        </div>
      )}
    </form>
  );
}
