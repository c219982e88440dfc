import { Box, Text } from 'ink';
import { useState } from 'react';
import { Header, KeyHints } from '../components/index.js';
import { visibleFields, whyOf } from '../../core/fields/index.js';
import type { FieldValue, FieldValues, ProcedureDefinition, ProcedureIO, WizardFacts } from '../../core/fields/types.js';
import { FieldInput } from './field-input.js';
import { useTerminalSize, wrapText } from './layout.js';

export interface FormScreenProps {
  definition: ProcedureDefinition;
  facts: WizardFacts;
  values: FieldValues;
  index: number;
  io: ProcedureIO;
  tag?: string;
  onAnswer: (id: string, value: FieldValue | undefined, visibleCount: number) => void;
  onBack: () => void;
}

/** One question of a procedure: step counter, the question, why it matters, and its input. */
export function FormScreen({ definition, facts, values, index, io, tag, onAnswer, onBack }: FormScreenProps) {
  const { columns } = useTerminalSize();
  const [checking, setChecking] = useState(false);
  const [problem, setProblem] = useState<{ field: string; message: string } | undefined>();
  // A refused password starts its input afresh (both entries of a new one): the typed value was the wrong one.
  const [attempt, setAttempt] = useState(0);
  const context = { facts, values };
  const fields = visibleFields(definition, context);
  const field = fields[Math.min(index, fields.length - 1)];
  if (!field) return null;
  const why = whyOf(field, context);

  const submit = (value: FieldValue | undefined) => {
    // A choice the procedure would refuse is refused here, on its own question, with the reason.
    const refused = field.kind === 'choice' && value !== undefined ? field.validate?.(value, context) : undefined;
    if (refused) {
      setProblem({ field: field.id, message: refused });
      return;
    }
    const after = { ...values, [field.id]: value };
    const count = visibleFields(definition, { facts, values: after }).length;
    if (!field.check || value === undefined) {
      setProblem(undefined);
      onAnswer(field.id, value, count);
      return;
    }
    setChecking(true);
    void field.check(value, context, io).then((message) => {
      setChecking(false);
      if (message) {
        setProblem({ field: field.id, message });
        if (field.kind === 'secret' || field.kind === 'new-secret') setAttempt((count) => count + 1);
      } else {
        setProblem(undefined);
        onAnswer(field.id, value, count);
      }
    });
  };
  const back = () => {
    setProblem(undefined);
    onBack();
  };
  return (
    <Box flexDirection="column">
      <Header title={definition.title} tag={tag} step={{ current: index + 1, total: fields.length }} width={columns} />
      {index === 0
        ? wrapText(definition.intro, columns)
            .slice(0, 2)
            .map((line, n) => (
              <Text key={n} dimColor>
                {line}
              </Text>
            ))
        : null}
      <Box marginTop={1} flexDirection="column">
        {wrapText(field.label, columns).map((line, n) => (
          <Text key={`label-${n}`} bold>
            {line}
          </Text>
        ))}
        {why
          ? wrapText(why, columns).map((line, n) => (
              <Text key={n} dimColor>
                {line}
              </Text>
            ))
          : null}
      </Box>
      <FieldInput
        key={`${field.id}-${index}-${attempt}`}
        field={field}
        context={context}
        previous={values[field.id]}
        io={io}
        width={columns}
        onSubmit={submit}
        onBack={back}
        busy={checking}
        onEdit={() => setProblem(undefined)}
      />
      {checking ? (
        <Text dimColor>Checking...</Text>
      ) : problem?.field === field.id ? (
        wrapText(problem.message, columns).map((line, n) => (
          <Text key={n} color="red">
            {line}
          </Text>
        ))
      ) : null}
      <KeyHints
        hints={[
          { key: 'Enter', label: 'next' },
          { key: 'Esc', label: 'back' },
          { key: 'Ctrl-C', label: 'quit' },
        ]}
        width={columns}
      />
    </Box>
  );
}
