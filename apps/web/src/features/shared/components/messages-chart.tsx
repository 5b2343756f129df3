import type { StructureOverview } from "@medimail/contracts/structure-overview";
import { useId } from "react";

const WIDTH = 600;
const HEIGHT = 140;
const dayLabel = new Intl.DateTimeFormat("fr-FR", { day: "numeric", month: "short", timeZone: "UTC" });

/** Messages per day, sent and received stacked; the same figures are in a table for screen readers. */
export function MessagesChart({
  days,
  title = "Messages envoyés et reçus par jour, 30 derniers jours",
}: {
  days: StructureOverview["messagesPerDay"];
  /** what the chart shows (its accessible name) */
  title?: string;
}) {
  const titleId = useId();
  const max = Math.max(1, ...days.map((day) => day.sent + day.received));
  const barWidth = WIDTH / days.length;
  const scale = (value: number) => (value / max) * (HEIGHT - 20);
  return (
    <figure className="chart">
      <svg viewBox={`0 0 ${WIDTH} ${HEIGHT}`} role="img" aria-labelledby={titleId} className="chart__svg">
        <title id={titleId}>{title}</title>
        {days.map((day, index) => {
          const received = scale(day.received);
          const sent = scale(day.sent);
          const x = index * barWidth + 2;
          return (
            <g key={day.day}>
              <rect x={x} y={HEIGHT - received} width={barWidth - 4} height={received} className="chart__received" />
              <rect x={x} y={HEIGHT - received - sent} width={barWidth - 4} height={sent} className="chart__sent" />
            </g>
          );
        })}
      </svg>
      <figcaption className="chart__legend">
        <span className="chart__key chart__key--sent" aria-hidden="true" /> Envoyés{" "}
        <span className="chart__key chart__key--received" aria-hidden="true" /> Reçus — maximum {max} par jour
      </figcaption>
      <details>
        <summary>Voir les chiffres</summary>
        <table className="table table--compact">
          <caption className="sr-only">Messages par jour</caption>
          <thead>
            <tr>
              <th scope="col">Jour</th>
              <th scope="col">Envoyés</th>
              <th scope="col">Reçus</th>
            </tr>
          </thead>
          <tbody>
            {days.map((day) => (
              <tr key={day.day}>
                <td>{dayLabel.format(new Date(`${day.day}T00:00:00Z`))}</td>
                <td>{day.sent}</td>
                <td>{day.received}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </details>
    </figure>
  );
}
