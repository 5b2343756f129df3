import { zodResolver } from "@hookform/resolvers/zod";
import { CreateAccountRequest } from "@medimail/contracts/accounts";
import { AccountType } from "@medimail/contracts/enums";
import type { StructureDetail } from "@medimail/contracts/structures";
import { useState } from "react";
import { type Resolver, useForm } from "react-hook-form";
import { Link, useNavigate, useOutletContext, useSearchParams } from "react-router";
import { ErrorState, Loading } from "../../../components/ui/page-states.tsx";
import { applyServerErrors } from "../../../lib/form-errors.ts";
import { useStructureSettings } from "../../shared/api/structures.ts";
import { useCreateAccount } from "../api/accounts.ts";
import {
  AccountFields,
  type AccountFormValues,
  formValuesOf,
  TYPE_DESCRIPTIONS,
} from "../components/account-fields.tsx";
import { TypeChoice } from "../components/type-choice.tsx";

/**
 * "Créer un nouvel utilisateur": choose the type, then exactly that type's form. Address, région and notification
 * options start from the structure's settings.
 */
export function CreateAccountPage() {
  const structure = useOutletContext<StructureDetail>();
  const settings = useStructureSettings(structure.id);
  const [params, setParams] = useSearchParams();
  const type = AccountType.safeParse(params.get("type"));

  if (settings.isPending) return <Loading label="Chargement…" />;
  if (settings.isError) return <ErrorState error={settings.error} onRetry={() => void settings.refetch()} />;

  return (
    <section aria-labelledby="creation-titre" className="card">
      <h2 id="creation-titre" className="card__title">
        Créer un nouvel utilisateur
      </h2>
      {!type.success ? (
        <TypeChoice
          legend="Type de compte"
          submitLabel="Continuer"
          onChoose={(chosen) => setParams({ type: chosen })}
          onCancel={null}
        />
      ) : (
        <CreateForm
          key={type.data}
          structureId={structure.id}
          type={type.data}
          defaults={{
            type: type.data,
            addressLine: settings.data.location.addressLine ?? "",
            postcode: settings.data.location.postcode ?? "",
            city: settings.data.location.city ?? "",
            regionCode: settings.data.location.regionCode ?? "",
            notifyOnReception: settings.data.notifications.notifyOnReception,
            notifyDailyDigest: settings.data.notifications.notifyDailyDigest,
            notifyOnOpening: settings.data.notifications.notifyOnOpening,
          }}
          onChangeType={() => setParams({})}
        />
      )}
    </section>
  );
}

function CreateForm({
  structureId,
  type,
  defaults,
  onChangeType,
}: {
  structureId: string;
  type: AccountType;
  defaults: Partial<AccountFormValues>;
  onChangeType: () => void;
}) {
  const create = useCreateAccount(structureId);
  const navigate = useNavigate();
  const [formError, setFormError] = useState<string | null>(null);
  const form = useForm<AccountFormValues>({
    resolver: zodResolver(CreateAccountRequest) as unknown as Resolver<AccountFormValues>,
    defaultValues: formValuesOf(null, defaults),
    shouldFocusError: true,
  });
  const submit = form.handleSubmit((values) => {
    setFormError(null);
    create.mutate(values as unknown as CreateAccountRequest, {
      onSuccess: (created) =>
        navigate(`..?etat=${created.state}&q=${encodeURIComponent(form.getValues("email"))}`, {
          relative: "path",
          state: { notice: `Le compte ${form.getValues("email")} est créé.` },
        }),
      onError: (error) => setFormError(applyServerErrors(error, form.setError)),
    });
  });
  const hasFieldErrors = Object.keys(form.formState.errors).length > 0;
  return (
    <form onSubmit={submit} noValidate className="form form--wide" aria-describedby="type-choisi">
      <p id="type-choisi" className="alert alert--info">
        <strong>
          {type} — {TYPE_DESCRIPTIONS[type].title}
        </strong>{" "}
        : {TYPE_DESCRIPTIONS[type].text}{" "}
        <button type="button" className="button button--link" onClick={onChangeType}>
          Choisir un autre type
        </button>
      </p>
      <AccountFields form={form} type={type} emailEditable />
      {(formError || hasFieldErrors) && (
        <p className="error-text" role="alert">
          {formError ?? "Corrigez les champs signalés."}
        </p>
      )}
      <div className="button-row">
        <Link to=".." relative="path" className="button button--secondary">
          Annuler
        </Link>
        <button type="submit" className="button" disabled={create.isPending}>
          {create.isPending ? "Création…" : "Créer l'utilisateur"}
        </button>
      </div>
    </form>
  );
}
