import { ACTIVITY_LIST_LIMIT, type ActivityMessage, messageDirectionLabels } from "@medimail/contracts/activity";

const dateTime = new Intl.DateTimeFormat("fr-FR", {
  day: "2-digit",
  month: "2-digit",
  year: "numeric",
  hour: "2-digit",
  minute: "2-digit",
  second: "2-digit",
  timeZone: "Europe/Paris",
});
const size = new Intl.NumberFormat("fr-FR", { maximumFractionDigits: 1 });
const sizeLabel = (bytes: number) =>
  bytes >= 1_048_576 ? `${size.format(bytes / 1_048_576)} Mo` : `${size.format(Math.max(1, bytes / 1024))} Ko`;

/** "Liste des messages": Date, Emetteur, Destinataires, then the sense, the size and the MSSanté flag. */
export function MessagesTable({ items, showStructure }: { items: ActivityMessage[]; showStructure: boolean }) {
  return (
    <div className="table-wrapper">
      <table className="table">
        <caption className="sr-only">
          Les {ACTIVITY_LIST_LIMIT} derniers messages au plus, du plus récent au plus ancien
        </caption>
        <thead>
          <tr>
            <th scope="col">Date</th>
            <th scope="col">Emetteur</th>
            <th scope="col">Destinataires</th>
            <th scope="col">Sens</th>
            {showStructure && <th scope="col">Structure</th>}
            <th scope="col">Taille</th>
            <th scope="col">MSSanté</th>
          </tr>
        </thead>
        <tbody>
          {items.map((message) => (
            <tr key={message.id}>
              <td className="nowrap">{dateTime.format(new Date(message.sentAt)).replace(",", "")}</td>
              <td>{message.sender}</td>
              <td>{message.recipients.join(", ")}</td>
              <td>{messageDirectionLabels[message.direction]}</td>
              {showStructure && <td>{message.structureName}</td>}
              <td className="nowrap">{sizeLabel(message.sizeBytes)}</td>
              <td>{message.isMss ? "Oui" : "Non"}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
