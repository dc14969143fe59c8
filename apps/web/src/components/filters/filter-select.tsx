/**
 * A labelled drop-down filter that reports the chosen option. With `anyLabel`, a first option
 * with the empty value stands for "no filter".
 */
export function FilterSelect<T extends string>({
  label,
  value,
  options,
  onValue,
  anyLabel,
  testId,
}: {
  label: string;
  value: T;
  options: readonly T[];
  onValue: (value: T) => void;
  anyLabel?: string;
  testId: string;
}) {
  return (
    <label className="field">
      {label}
      <select value={value} onChange={(e) => onValue(e.target.value as T)} data-testid={testId}>
        {anyLabel !== undefined && <option value="">{anyLabel}</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
    </label>
  );
}
