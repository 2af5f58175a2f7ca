import type { ComponentChildren } from 'preact';
import { useState } from 'preact/hooks';
import { ApiError } from './api';
import { ErrorBanner, useApp } from './app';
import { localReason } from './reasons';

export function Field(props: { label: string; name: string; errors: Record<string, string>; hint?: string; children: ComponentChildren; optional?: boolean }) {
  const { t } = useApp();
  const error = props.errors[props.name];
  return (
    <div class={`field${error ? ' has-error' : ''}`} data-field={props.name}>
      <label>
        <span class="label">
          {props.label}
          {props.optional && <span class="muted"> {t('field.optional')}</span>}
        </span>
        {props.children}
      </label>
      {props.hint && !error && <div class="hint">{props.hint}</div>}
      {error && (
        <div class="field-error" role="alert" data-testid={`error-${props.name}`}>
          {localReason(error, t)}
        </div>
      )}
    </div>
  );
}

/**
 * A form's submission: field errors (of a 400, or a 409 that names its field, like a
 * taken username) go beside their fields, in the reader's language (`reason` words
 * them); anything else to the banner above the submit button.
 */
export function useSubmit<T>(send: () => Promise<T>, onDone: (result: T) => void, reason?: (text: string) => string) {
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<unknown>(null);
  const submit = async (event?: Event) => {
    event?.preventDefault();
    if (busy) return;
    setBusy(true);
    setError(null);
    try {
      const result = await send();
      setErrors({});
      onDone(result);
    } catch (e) {
      const fields = e instanceof ApiError ? e.fieldErrors() : {};
      setErrors(reason ? Object.fromEntries(Object.entries(fields).map(([k, v]) => [k, reason(v)])) : fields);
      // Field errors are shown at their fields; the banner is for the rest.
      setError(Object.keys(fields).length > 0 ? null : e);
    } finally {
      setBusy(false);
    }
  };
  return { busy, errors, error, submit, setErrors };
}

export function FormFooter(props: { busy: boolean; error: unknown; errors: Record<string, string>; label: string; onCancel?: () => void; testid?: string }) {
  const { t } = useApp();
  const fieldCount = Object.keys(props.errors).length;
  return (
    <div class="form-footer">
      {fieldCount > 0 && <div class="banner warn">{t('form.fixErrors')}</div>}
      {props.error !== null && <ErrorBanner error={props.error} />}
      <div class="buttons">
        <button type="submit" class="primary" disabled={props.busy} data-testid={props.testid}>
          {props.busy ? t('form.sending') : props.label}
        </button>
        {props.onCancel && (
          <button type="button" onClick={props.onCancel}>
            {t('form.cancel')}
          </button>
        )}
      </div>
    </div>
  );
}
