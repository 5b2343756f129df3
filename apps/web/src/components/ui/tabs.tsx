import type { ReactNode } from "react";

export interface TabItem<K extends string> {
  key: K;
  label: string;
  /** a number shown after the label (e.g. how many rows the tab lists); nothing when null or absent */
  count?: number | null;
}

/**
 * Tabs with their panel (ARIA tabs pattern): the selected tab is the one in the tab order, the arrow keys move to
 * the previous or next tab (wrapping around) and select it. Ids are `${idPrefix}-${key}` for the tabs and
 * `${idPrefix}-contenu` for the panel.
 */
export function Tabs<K extends string>({
  label,
  idPrefix,
  tabs,
  selected,
  onSelect,
  children,
}: {
  /** the tab list's accessible name */
  label: string;
  idPrefix: string;
  tabs: readonly TabItem<K>[];
  selected: K;
  onSelect: (key: K) => void;
  /** the selected tab's content */
  children: ReactNode;
}) {
  const panelId = `${idPrefix}-contenu`;
  return (
    <>
      <div role="tablist" aria-label={label} className="tabs">
        {tabs.map((item, index) => {
          const isSelected = item.key === selected;
          return (
            <button
              key={item.key}
              type="button"
              role="tab"
              id={`${idPrefix}-${item.key}`}
              aria-selected={isSelected}
              aria-controls={panelId}
              tabIndex={isSelected ? 0 : -1}
              className="tabs__tab"
              onClick={() => onSelect(item.key)}
              onKeyDown={(event) => {
                const move = event.key === "ArrowRight" ? 1 : event.key === "ArrowLeft" ? -1 : 0;
                const target = tabs[(index + move + tabs.length) % tabs.length];
                if (move === 0 || !target) return;
                onSelect(target.key);
                document.getElementById(`${idPrefix}-${target.key}`)?.focus();
              }}
            >
              {item.label}
              {item.count !== undefined && item.count !== null && (
                <span className="tabs__count">{item.count.toLocaleString("fr-FR")}</span>
              )}
            </button>
          );
        })}
      </div>
      <div id={panelId} role="tabpanel" aria-labelledby={`${idPrefix}-${selected}`} className="tabs__panel">
        {children}
      </div>
    </>
  );
}
