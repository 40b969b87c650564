// The accelerator menu's options as people type: documented types first, then what they typed.
import { acceleratorOptions } from '../../views/nodeGroupEditor.js';
import type { SuggestionArgs } from '../types.js';

export async function acceleratorTypeOptions(args: SuggestionArgs): Promise<void> {
  await args.ack({ options: acceleratorOptions(args.options.value ?? '') });
}
