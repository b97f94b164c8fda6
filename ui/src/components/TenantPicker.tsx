// Organisation / project every view is scoped to (protocol tags organization_id / project_id).
import { useState, type FormEvent } from 'react';
import { useAuth } from '../app/auth';

export function TenantPicker() {
  const { tenant, changeTenant } = useAuth();
  const [open, setOpen] = useState(false);
  const submit = (e: FormEvent<HTMLFormElement>) => {
    e.preventDefault();
    const form = new FormData(e.currentTarget);
    const org = String(form.get('org') ?? '').trim();
    const project = String(form.get('project') ?? '').trim();
    if (org && project) {
      changeTenant({ org, project });
      setOpen(false);
    }
  };
  return (
    <div className="tenant">
      <button onClick={() => setOpen((o) => !o)} aria-expanded={open} title="Organisation / project" data-testid="tenant">
        {tenant.org} / {tenant.project}
      </button>
      {open && (
        <form className="tenant-form" onSubmit={submit} aria-label="Tenant">
          <label>
            Organisation
            <input name="org" defaultValue={tenant.org} required />
          </label>
          <label>
            Project
            <input name="project" defaultValue={tenant.project} required />
          </label>
          <button type="submit" className="primary">
            Apply
          </button>
        </form>
      )}
    </div>
  );
}
