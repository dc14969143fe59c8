import type { CSSProperties, InputHTMLAttributes } from "react";

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange" | "style">;

/**
 * A labelled text filter that reports the typed value; `fieldStyle` sizes the whole field.
 * With `suggestions`, the browser offers them as the user types (a datalist named `list`).
 */
export function FilterInput({
  label,
  value,
  onValue,
  testId,
  fieldStyle,
  suggestions,
  ...input
}: InputProps & {
  label: string;
  value: string;
  onValue: (value: string) => void;
  testId: string;
  fieldStyle?: CSSProperties;
  suggestions?: readonly string[];
}) {
  return (
    <label className="field" style={fieldStyle}>
      {label}
      <input {...input} value={value} onChange={(e) => onValue(e.target.value)} data-testid={testId} />
      {suggestions && (
        <datalist id={input.list}>
          {suggestions.map((s) => (
            <option key={s} value={s} />
          ))}
        </datalist>
      )}
    </label>
  );
}
