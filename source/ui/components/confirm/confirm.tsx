import { Text } from 'ink';
import { useConfirm, type UseConfirmOptions } from './use-confirm.js';

export type ConfirmProps = UseConfirmOptions & {
  readonly message: string;
};

/** A yes/no question on one line: "Write these files? (Y/n)", the capital letter marking the default. */
export function Confirm(props: ConfirmProps) {
  useConfirm(props);
  return (
    <Text wrap="truncate-end">
      {props.message} <Text dimColor>{props.defaultValue ? '(Y/n)' : '(y/N)'}</Text>
    </Text>
  );
}
