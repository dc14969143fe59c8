import type { CSSProperties, InputHTMLAttributes } from "react";

type InputProps = Omit<InputHTMLAttributes<HTMLInputElement>, "value" | "onChange" | "style">;

/** A labelled text filter that reports the typed value; `fieldStyle` sizes the whole field. */
export function FilterInput({
  label,
  value,
  onValue,
  testId,
  fieldStyle,
  ...input
}: InputProps & {
  label: string;
  value: string;
  onValue: (value: string) => void;
  testId: string;
  fieldStyle?: CSSProperties;
}) {
  return (
    <label className="field" style={fieldStyle}>
      {label}
      <input {...input} value={value} onChange={(e) => onValue(e.target.value)} data-testid={testId} />
    </label>
  );
}
