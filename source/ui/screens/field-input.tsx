import { Box, Text } from 'ink';
import { useState } from 'react';
import { Confirm, PasswordInput, Select, TextInput } from '../components/index.js';
import { printable } from '../../core/printable.js';
import { importAliasProblem, namesServer, takenImportAliases, valueOrDefault } from '../../core/fields/index.js';
import type { CertificateImportValue, Field, FieldContext, FieldValue, ProcedureIO, ServerChainView } from '../../core/fields/types.js';
import { ChecklistInput } from './checklist-input.js';
import { ServerChainPicker } from './server-chain-picker.js';
import { rawFieldProblem, suggestAlias } from '../../core/fields/raw-field.js';
import { truncate, wrapText } from './layout.js';

export interface FieldInputProps {
  field: Field;
  context: FieldContext;
  /** What was typed before (going back keeps it). */
  previous: FieldValue | undefined;
  io: ProcedureIO;
  width: number;
  onSubmit: (value: FieldValue | undefined) => void;
  onBack: () => void;
  /** A file check is running (the input is inert until it answers). */
  busy: boolean;
  /** The value was edited: a message about the previous value no longer applies. */
  onEdit?: () => void;
}

/** The one input a field needs, by kind; validation is the field's own, shown as the user types. */
export function FieldInput({ field, context, previous, io, width, onSubmit, onBack, busy, onEdit }: FieldInputProps) {
  const active = !busy;
  const fallback = field.default?.(context);
  const validate = (raw: string): string | undefined => rawFieldProblem(field, raw, context);
  switch (field.kind) {
    case 'choice': {
      const choices = field.choices?.(context) ?? [];
      return (
        <Select<string>
          key={field.id}
          options={choices}
          defaultValue={String(previous ?? fallback ?? choices[0]?.value)}
          onSelect={(value) => onSubmit(value)}
          onCancel={onBack}
          isActive={active}
          width={width}
        />
      );
    }
    case 'confirm':
      return (
        <ConfirmField
          key={field.id}
          field={field}
          context={context}
          defaultValue={previous === undefined ? fallback === true : previous === true}
          onSubmit={onSubmit}
          onBack={onBack}
          active={active}
        />
      );
    case 'secret':
      return (
        <PasswordInput
          key={field.id}
          onEdit={onEdit}
          initialValue={typeof previous === 'string' ? previous : undefined}
          onSubmit={(value) => onSubmit(valueOrDefault(field, value, context))}
          onCancel={onBack}
          validate={validate}
          isActive={active}
          width={width}
        />
      );
    case 'new-secret':
      return (
        <PasswordInput
          key={field.id}
          onEdit={onEdit}
          confirm
          // Going back and forth keeps what was typed (masked); Enter takes it again without a second entry.
          initialValue={typeof previous === 'string' ? previous : undefined}
          emptyMeansDefault={field.optional}
          warn={field.warn ? (value) => field.warn!(value, context) : undefined}
          onSubmit={(value) => onSubmit(valueOrDefault(field, value, context))}
          onCancel={onBack}
          validate={validate}
          isActive={active}
          width={width}
          placeholder={field.optional ? 'Enter: the same as before' : undefined}
        />
      );
    case 'integer':
    case 'text':
      return (
        <TextInput
          key={field.id}
          initialValue={previous !== undefined ? String(previous) : fallback !== undefined ? String(fallback) : ''}
          placeholder={field.placeholder}
          validate={validate}
          onEdit={onEdit}
          onSubmit={(value) => onSubmit(valueOrDefault(field, value, context))}
          onCancel={onBack}
          isActive={active}
          width={width}
        />
      );
    case 'checklist':
      return (
        <ChecklistInput
          key={field.id}
          choices={field.choices?.(context) ?? []}
          initial={Array.isArray(previous) ? (previous as unknown[]).filter((item): item is string => typeof item === 'string') : []}
          width={width}
          active={active}
          onSubmit={onSubmit}
          onBack={onBack}
        />
      );
    case 'certificates':
      return (
        <CertificatesInput
          key={field.id}
          context={context}
          io={io}
          width={width}
          initial={(previous as CertificateImportValue[] | undefined) ?? []}
          onSubmit={onSubmit}
          onBack={onBack}
          active={active}
        />
      );
  }
}

function ConfirmField(props: {
  field: Field;
  context: FieldContext;
  defaultValue: boolean;
  onSubmit: (value: boolean) => void;
  onBack: () => void;
  active: boolean;
}) {
  const [problem, setProblem] = useState<string | undefined>();
  return (
    <Box flexDirection="column">
      <Confirm
        message="Your answer"
        defaultValue={props.defaultValue}
        isActive={props.active}
        onCancel={props.onBack}
        onSubmit={(answer) => {
          const message = props.field.validate?.(answer, props.context);
          setProblem(message);
          if (!message) props.onSubmit(answer);
        }}
      />
      <Text color="red">{problem ?? ' '}</Text>
    </Box>
  );
}

/** Certificates to import: a path, read and shown (subject, expiry) before an alias is asked; empty path finishes. */
function CertificatesInput(props: {
  context: FieldContext;
  io: ProcedureIO;
  width: number;
  initial: CertificateImportValue[];
  onSubmit: (value: CertificateImportValue[]) => void;
  onBack: () => void;
  active: boolean;
}) {
  const [accepted, setAccepted] = useState<CertificateImportValue[]>(props.initial);
  const [pending, setPending] = useState<{ file: string; summaries: string[] } | undefined>();
  const [listing, setListing] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const [reading, setReading] = useState(false);
  const [server, setServer] = useState<ServerChainView | undefined>();
  const shown = accepted.slice(-4);
  if (server) {
    return (
      <ServerChainPicker
        view={server}
        accepted={accepted}
        context={props.context}
        width={props.width}
        active={props.active}
        onCancel={() => setServer(undefined)}
        onAccept={(value) => {
          setAccepted([...accepted, value]);
          setServer(undefined);
        }}
      />
    );
  }
  if (listing) {
    return (
      <Box flexDirection="column">
        <Text>{`${accepted.length} certificate${accepted.length === 1 ? '' : 's'} to import. Correct the list, or accept it:`}</Text>
        <Select<string>
          key={`list-${accepted.length}`}
          options={[
            {
              value: 'done',
              label: `Import ${accepted.length === 1 ? 'it' : `these ${accepted.length}`}`,
              hint: 'and go on to the next question',
            },
            { value: 'add', label: 'Add another certificate file' },
            ...accepted.map((item) => ({
              value: `remove:${item.alias}`,
              label: printable(`Remove ${item.alias}`),
              hint: printable(item.summary),
            })),
          ]}
          onSelect={(choice) => {
            if (choice === 'done') props.onSubmit(accepted);
            else if (choice === 'add') setListing(false);
            else {
              const remaining = accepted.filter((item) => `remove:${item.alias}` !== choice);
              setAccepted(remaining);
              if (remaining.length === 0) setListing(false);
            }
          }}
          onCancel={() => setListing(false)}
          isActive={props.active}
          width={props.width}
        />
      </Box>
    );
  }
  return (
    <Box flexDirection="column">
      {accepted.length > shown.length ? <Text dimColor>{`... ${accepted.length - shown.length} more`}</Text> : null}
      {shown.map((item) => (
        <Text key={item.alias}>{truncate(`✓ ${item.alias}: ${item.summary}`, props.width)}</Text>
      ))}
      {pending ? (
        <>
          {pending.summaries.slice(0, 3).map((summary, index) => (
            <Text key={index} color="cyan">
              {truncate(`  ${summary}`, props.width)}
            </Text>
          ))}
          <Text>Alias for it in the truststore:</Text>
          <TextInput
            key={`alias-${pending.file}`}
            initialValue={suggestAlias(pending.summaries[0] ?? pending.file, takenImportAliases(accepted, props.context))}
            validate={(value) => importAliasProblem(value, accepted, props.context)}
            onSubmit={(alias) => {
              setAccepted([...accepted, { alias: alias.trim(), file: pending.file, summary: pending.summaries.join('; ') }]);
              setPending(undefined);
            }}
            onCancel={() => setPending(undefined)}
            isActive={props.active}
            width={props.width}
          />
        </>
      ) : (
        <>
          <Text>
            {accepted.length === 0
              ? 'Certificate file (PEM or DER), a server (https://host:port), or Enter for none:'
              : 'Another certificate file or server, or Enter to review the list:'}
          </Text>
          <TextInput
            key={`path-${accepted.length}`}
            placeholder="/path/to/partner-ca.pem"
            isActive={props.active && !reading}
            width={props.width}
            onCancel={props.onBack}
            onEdit={() => setProblem(undefined)}
            onSubmit={(file) => {
              if (file.trim() === '') {
                if (accepted.length === 0) props.onSubmit(accepted);
                else setListing(true);
                return;
              }
              setReading(true);
              if (namesServer(file) && props.io.fetchServerChain) {
                void props.io.fetchServerChain(file.trim()).then((fetched) => {
                  setReading(false);
                  if ('problem' in fetched) setProblem(fetched.problem);
                  else {
                    setProblem(undefined);
                    setServer(fetched.chain);
                  }
                });
                return;
              }
              void props.io.readCertificates(file.trim()).then((read) => {
                setReading(false);
                if ('problem' in read) setProblem(read.problem);
                else {
                  setProblem(undefined);
                  setPending({ file: file.trim(), summaries: read.summaries });
                }
              });
            }}
          />
          {reading ? (
            <Text dimColor>Reading (or connecting)...</Text>
          ) : problem ? (
            wrapText(problem, props.width).map((line, n) => (
              <Text key={n} color="red">
                {line}
              </Text>
            ))
          ) : null}
        </>
      )}
    </Box>
  );
}
