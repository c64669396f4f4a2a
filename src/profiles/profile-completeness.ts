/** What a profile's completeness is judged on; each counts the same. */
export const COMPLETENESS_FIELDS = [
  'name',
  'phone',
  'dateOfBirth',
  'bio',
  'occupation',
  'profileImage',
  'defaultShippingAddress',
  'defaultBillingAddress',
] as const;
export type CompletenessField = (typeof COMPLETENESS_FIELDS)[number];

export interface ProfileCompleteness {
  percentage: number;
  completedFields: number;
  totalFields: number;
  missingFields: CompletenessField[];
  isComplete: boolean;
}

/**
 * How complete a profile is: the share of {@link COMPLETENESS_FIELDS} that are filled, in whole
 * percent (rounded down, so 100 means everything is there). Nothing is pre-filled: a new
 * account scores only for the name it registered with.
 */
export function profileCompleteness(
  filled: Record<CompletenessField, boolean>,
): ProfileCompleteness {
  const missingFields = COMPLETENESS_FIELDS.filter((field) => !filled[field]);
  const totalFields = COMPLETENESS_FIELDS.length;
  const completedFields = totalFields - missingFields.length;
  return {
    percentage: Math.floor((completedFields * 100) / totalFields),
    completedFields,
    totalFields,
    missingFields,
    isComplete: missingFields.length === 0,
  };
}
