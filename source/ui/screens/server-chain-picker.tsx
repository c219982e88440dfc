import { Box, Text } from 'ink';
import { useState } from 'react';
import { Select, TextInput } from '../components/index.js';
import {
  chainLines,
  FINGERPRINT_NOTE,
  importAliasProblem,
  serverImportValue,
  serverTrustChoices,
  suggestedServerAlias,
  takenImportAliases,
} from '../../core/fields/index.js';
import type { CertificateImportValue, FieldContext, ServerChainView } from '../../core/fields/types.js';
import { truncate } from './layout.js';

type Trust = NonNullable<CertificateImportValue['trust']>;

/**
 * "Import from a server": the chain the server presented (subject, issuer, validity, SHA-256 of each), a note to
 * compare the fingerprint with one obtained another way, the choice of which certificate to trust, then its alias.
 */
export function ServerChainPicker(props: {
  view: ServerChainView;
  accepted: readonly CertificateImportValue[];
  context: FieldContext;
  width: number;
  active: boolean;
  onAccept: (value: CertificateImportValue) => void;
  onCancel: () => void;
}) {
  const { choices, defaultTrust } = serverTrustChoices(props.view);
  const [trust, setTrust] = useState<Trust | undefined>();
  return (
    <Box flexDirection="column">
      <Text>{truncate(`${props.view.host}:${props.view.port} presents:`, props.width)}</Text>
      {chainLines(props.view).map((line, index) => (
        <Text key={index} color={line.startsWith('   SHA-256') ? 'cyan' : undefined}>
          {truncate(line, props.width)}
        </Text>
      ))}
      <Text color="yellow">{truncate(FINGERPRINT_NOTE, props.width)}</Text>
      {trust === undefined ? (
        <>
          <Text>Trust which certificate?</Text>
          <Select<string>
            key="trust"
            options={choices}
            defaultValue={defaultTrust}
            onSelect={(value) => setTrust(value as Trust)}
            onCancel={props.onCancel}
            isActive={props.active}
            width={props.width}
          />
        </>
      ) : (
        <>
          <Text>Alias for it in the truststore:</Text>
          <TextInput
            key={`alias-${trust}`}
            initialValue={suggestedServerAlias(props.view, trust, takenImportAliases(props.accepted, props.context))}
            validate={(value) => importAliasProblem(value, props.accepted, props.context)}
            onSubmit={(alias) => props.onAccept(serverImportValue(props.view, trust, alias.trim()))}
            onCancel={() => setTrust(undefined)}
            isActive={props.active}
            width={props.width}
          />
        </>
      )}
    </Box>
  );
}
