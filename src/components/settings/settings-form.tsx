"use client";

import { useState, type FormEvent } from "react";
import { updateSettings } from "@/actions/settings-actions";
import { describeQuantity } from "@/lib/format/quantities";
import {
  ALL_SETTING_KEYS,
  CHOICE_SETTING_DEFINITIONS,
  CHOICE_SETTING_KEYS,
  SETTING_DEFINITIONS,
  SETTING_KEYS,
  type AnySettingKey,
  type Settings,
} from "@/lib/settings-definitions";
import { Field } from "../ui/field";
import { formLevelMessage, useActionRunner } from "../ui/use-action-runner";
import styles from "./settings.module.css";

type Draft = Record<AnySettingKey, string>;

function toDraft(settings: Settings): Draft {
  const draft = {} as Draft;
  for (const key of ALL_SETTING_KEYS) draft[key] = String(settings[key]);
  return draft;
}

/** Every setting in one form, saved together; the service checks each range and names the bad ones. */
export function SettingsForm({ settings }: { settings: Settings }) {
  const [draft, setDraft] = useState<Draft>(() => toDraft(settings));
  const [saved, setSaved] = useState(false);
  const { pending, failure, run, clear } = useActionRunner();
  const errors = failure?.fields ?? {};
  const formMessage = formLevelMessage(failure, ALL_SETTING_KEYS);

  const submit = (event: FormEvent<HTMLFormElement>) => {
    event.preventDefault();
    setSaved(false);
    run(
      () => updateSettings(draft),
      (result) => {
        setDraft(toDraft(result.data));
        setSaved(true);
      },
    );
  };

  return (
    <form className="form" onSubmit={submit} noValidate aria-busy={pending}>
      {formMessage ? (
        <p className="form-alert" role="alert">
          {formMessage}
        </p>
      ) : null}
      <div className={styles.settingsGrid}>
        {SETTING_KEYS.map((key) => {
          const def = SETTING_DEFINITIONS[key];
          const reading = describeQuantity(Number(draft[key]), def.unit);
          return (
            <Field
              key={key}
              label={def.label}
              hint={`${def.hint} Between ${def.min.toLocaleString("en-US")} and ${def.max.toLocaleString("en-US")} ${def.unit}.`}
              error={errors[key]}
            >
              {(control) => (
                <div className={styles.numberRow}>
                  <input
                    {...control}
                    className={`input ${styles.numberInput}`}
                    type="number"
                    name={key}
                    inputMode="numeric"
                    min={def.min}
                    max={def.max}
                    step={1}
                    value={draft[key]}
                    onChange={(event) => {
                      setSaved(false);
                      setDraft((current) => ({ ...current, [key]: event.target.value }));
                    }}
                  />
                  <span className={styles.unit}>{def.unit}</span>
                  {reading && draft[key] !== "" ? <span className={styles.reading}>≈ {reading}</span> : null}
                </div>
              )}
            </Field>
          );
        })}
        {CHOICE_SETTING_KEYS.map((key) => {
          // One shape for every choice setting: the union of their literal types cannot index itself.
          const def: { label: string; hint: string; options: readonly string[]; optionLabels: Record<string, string> } = CHOICE_SETTING_DEFINITIONS[key];
          return (
            <Field key={key} label={def.label} hint={def.hint} error={errors[key]}>
              {(control) => (
                <select
                  {...control}
                  className="select"
                  name={key}
                  value={draft[key]}
                  onChange={(event) => {
                    setSaved(false);
                    setDraft((current) => ({ ...current, [key]: event.target.value }));
                  }}
                >
                  {def.options.map((option) => (
                    <option key={option} value={option}>
                      {def.optionLabels[option]}
                    </option>
                  ))}
                </select>
              )}
            </Field>
          );
        })}
      </div>
      <div className="form-actions">
        <p role="status" className="form-success">
          {saved ? "Settings saved." : ""}
        </p>
        <button
          type="button"
          className="button button-ghost"
          onClick={() => {
            clear();
            setSaved(false);
            setDraft(toDraft(settings));
          }}
        >
          Revert
        </button>
        <button type="submit" className="button button-primary" disabled={pending}>
          {pending ? "Saving…" : "Save settings"}
        </button>
      </div>
    </form>
  );
}
