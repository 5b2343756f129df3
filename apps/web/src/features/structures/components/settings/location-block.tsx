import type { Commune } from "@medimail/contracts/geo";
import type { StructureSettings } from "@medimail/contracts/structure-settings";
import { type FormEvent, useId, useState } from "react";
import { ComboBox, Input, Label, ListBox, ListBoxItem, Popover, Text } from "react-aria-components";
import { FormError } from "../../../../components/ui/form-actions.tsx";
import { TextField } from "../../../../components/ui/text-field.tsx";
import { ApiError } from "../../../../lib/api-client.ts";
import { useCommunes, useSaveLocation } from "../../api/structure-settings.ts";
import { SaveFeedback } from "./save-feedback.tsx";

type Place = Pick<Commune, "inseeCode" | "name" | "postcodes" | "departmentName" | "regionName"> & {
  departmentCode: string | null;
  regionCode: string | null;
};

const label = (commune: { name: string; postcodes: string[] }) =>
  `${commune.name}${commune.postcodes.length ? ` (${commune.postcodes.slice(0, 3).join(", ")}${commune.postcodes.length > 3 ? "…" : ""})` : ""}`;

/** "Localisation": street line, commune chosen among suggestions, postcode of that commune; département and région follow. */
export function LocationBlock({ settings }: { settings: StructureSettings }) {
  const save = useSaveLocation(settings.id);
  const location = settings.location;
  const initial: Place | null =
    location.cityInseeCode && location.city
      ? {
          inseeCode: location.cityInseeCode,
          name: location.city,
          postcodes: location.postcode ? [location.postcode] : [],
          departmentCode: location.departmentCode,
          departmentName: location.departmentName ?? "",
          regionCode: location.regionCode,
          regionName: location.regionName ?? "",
        }
      : null;
  const [place, setPlace] = useState<Place | null>(initial);
  // an address saved before communes were chosen from the list shows its city name, to be picked again
  const [query, setQuery] = useState(initial?.name ?? location.city ?? "");
  const [postcode, setPostcode] = useState(location.postcode ?? "");
  const [errors, setErrors] = useState<Record<string, string>>({});
  // "saved" is shown while the commune and postcode are those that were saved
  const [savedAs, setSavedAs] = useState<string | null>(null);
  const communes = useCommunes(place && query === place.name ? "" : query);
  const postcodeId = useId();
  const readOnly = !settings.permissions.administer;
  const items: Commune[] = communes.data?.items ?? [];

  const choose = (inseeCode: string | null) => {
    const commune = items.find((item: Commune) => item.inseeCode === inseeCode);
    if (!commune) return;
    setPlace(commune);
    setQuery(commune.name);
    setPostcode(commune.postcodes.length === 1 ? (commune.postcodes[0] as string) : "");
  };

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    const addressLine = String(new FormData(event.currentTarget).get("addressLine") ?? "");
    const next: Record<string, string> = {};
    if (query.trim() !== "" && (!place || query !== place.name)) next.city = "Choisissez la commune dans la liste";
    if (place && !postcode) next.postcode = "Choisissez le code postal";
    setErrors(next);
    if (Object.keys(next).length > 0) return;
    save.mutate(
      {
        addressLine,
        cityInseeCode: place && query ? place.inseeCode : null,
        postcode: place && query ? postcode : null,
      },
      {
        onSuccess: () => setSavedAs(`${query}|${postcode}`),
        onError: (error) => {
          const details = error instanceof ApiError ? (error.envelope.details ?? []) : [];
          setErrors(
            Object.fromEntries(
              details.map((d) => [d.path.replace("body.", "").replace("cityInseeCode", "city"), d.message]),
            ),
          );
        },
      },
    );
  };

  return (
    <section aria-labelledby="localisation-titre" className="card">
      <h2 id="localisation-titre" className="card__title">
        Localisation
      </h2>
      <form onSubmit={submit} noValidate className="form form--wide">
        <fieldset disabled={readOnly} className="fieldset">
          <TextField
            label="Adresse"
            name="addressLine"
            defaultValue={location.addressLine ?? ""}
            autoComplete="street-address"
          />
          <div className="field-row">
            <ComboBox
              className="field combobox"
              items={items}
              inputValue={query}
              onInputChange={(value) => {
                setQuery(value);
                if (place && value !== place.name) setPlace(null);
              }}
              onSelectionChange={(key) => choose(key === null ? null : String(key))}
              menuTrigger="input"
              allowsCustomValue
              allowsEmptyCollection
              isDisabled={readOnly}
              isInvalid={Boolean(errors.city)}
            >
              <Label className="field__label">Commune</Label>
              <Text slot="description" className="field__hint">
                Saisissez le début du nom ou le code postal, puis choisissez dans la liste
              </Text>
              <Input className="field__input" />
              <FormError message={errors.city} />
              <Popover className="combobox__popover">
                <ListBox<Commune>
                  className="combobox__list"
                  renderEmptyState={() => <p className="muted">Aucune commune</p>}
                >
                  {(commune) => (
                    <ListBoxItem id={commune.inseeCode} textValue={commune.name} className="combobox__option">
                      {label(commune)} — {commune.departmentName}
                    </ListBoxItem>
                  )}
                </ListBox>
              </Popover>
            </ComboBox>
            <div className="field">
              <label htmlFor={postcodeId} className="field__label">
                Code postal
              </label>
              <select
                id={postcodeId}
                className="field__input"
                value={postcode}
                onChange={(event) => setPostcode(event.target.value)}
                disabled={!place}
                aria-invalid={errors.postcode ? true : undefined}
              >
                <option value="">{place ? "Choisir…" : "Choisissez d'abord la commune"}</option>
                {place?.postcodes.map((code) => (
                  <option key={code} value={code}>
                    {code}
                  </option>
                ))}
              </select>
              <FormError message={errors.postcode} />
            </div>
          </div>
          <dl className="summary-list">
            <div className="summary-list__row">
              <dt>Département</dt>
              <dd>{place ? `${place.departmentName} (${place.departmentCode})` : "—"}</dd>
            </div>
            <div className="summary-list__row">
              <dt>Région</dt>
              <dd>{place ? place.regionName : "—"}</dd>
            </div>
          </dl>
        </fieldset>
        {!readOnly && (
          <SaveFeedback
            saving={save.isPending}
            saved={save.isSuccess && savedAs === `${query}|${postcode}`}
            error={Object.keys(errors).length > 0 ? "Corrigez les champs signalés." : (save.error?.message ?? null)}
          />
        )}
      </form>
    </section>
  );
}
