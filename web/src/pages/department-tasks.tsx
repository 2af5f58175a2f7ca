/** The case's hand-overs to departments: the department reads its task here, the centre the report or the refusal. */
import type { CaseView } from '../api';
import { formatDate, useApp } from '../app';
import { useDepartmentName } from '../departments';

type Task = CaseView['departmentTasks'][number];

function TaskItem(props: { task: Task }) {
  const { t, lang, centreName } = useApp();
  const departmentName = useDepartmentName();
  const task = props.task;
  const colon = lang === 'zh' ? '：' : ': ';
  return (
    <li class={`department-task task-${task.status}`} data-testid="department-task" data-status={task.status}>
      <div class="task-head">
        <strong data-testid="task-department">{departmentName(task.departmentId)}</strong>
        <span class={`badge task-status-${task.status}`}>{t(`case.taskStatus.${task.status}`)}</span>
      </div>
      <p class="task-text" data-testid="task-text">
        <span class="task-label">{t('field.task')}{colon}</span>
        {task.task}
      </p>
      <p class="muted small">
        {t('case.taskFrom', { centre: centreName(task.centreId), person: task.by.name ?? task.by.id })} · {formatDate(task.assignedAt, lang)}
      </p>
      {task.result && (
        <p class="task-result" data-testid="task-result">
          <span class="task-label">{t(`case.taskResult.${task.status === 'refused' ? 'refused' : 'reported'}`)}{colon}</span>
          {task.result.text} <span class="muted small">· {task.result.by.name ?? task.result.by.id} · {formatDate(task.result.at, lang)}</span>
        </p>
      )}
    </li>
  );
}

/** Where the centre stands with its department now: one line above the list, saying what to do next. */
function TaskNote(props: { caseView: CaseView }) {
  const { t, session } = useApp();
  const departmentName = useDepartmentName();
  const last = props.caseView.departmentTasks.at(-1);
  // Department staff read the task itself; the notes are the centre's next step.
  if (!last || session?.role === 'department' || props.caseView.stage !== 'mediation') return null;
  if (last.status === 'working') return <div class="banner info" data-testid="task-note">{t('case.withDepartment', { department: departmentName(last.departmentId) })}</div>;
  if (last.status === 'refused') return <div class="banner warn" data-testid="task-note">{t('case.refusedBy', { department: departmentName(last.departmentId), reason: last.result?.text ?? '—' })}</div>;
  return null;
}

export function DepartmentTasks(props: { caseView: CaseView }) {
  const { t, session } = useApp();
  const tasks = props.caseView.departmentTasks;
  if (tasks.length === 0) return null;
  return (
    <section class="card" data-testid="department-tasks">
      <h2>{t(session?.role === 'department' ? 'case.yourTask' : 'case.departmentTasks')}</h2>
      <TaskNote caseView={props.caseView} />
      <ol class="department-tasks">
        {[...tasks].reverse().map((task, i) => (
          <TaskItem key={i} task={task} />
        ))}
      </ol>
    </section>
  );
}
