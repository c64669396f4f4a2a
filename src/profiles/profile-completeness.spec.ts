import { describe, expect, it } from '@jest/globals';
import {
  COMPLETENESS_FIELDS,
  type CompletenessField,
  profileCompleteness,
} from './profile-completeness.js';

const filledExcept = (...missing: CompletenessField[]): Record<CompletenessField, boolean> =>
  Object.fromEntries(COMPLETENESS_FIELDS.map((f) => [f, !missing.includes(f)])) as Record<
    CompletenessField,
    boolean
  >;

describe('profileCompleteness', () => {
  it('is 100% and complete when every field is filled', () => {
    expect(profileCompleteness(filledExcept())).toEqual({
      percentage: 100,
      completedFields: 8,
      totalFields: 8,
      missingFields: [],
      isComplete: true,
    });
  });

  it('lists the missing fields in a stable order and rounds down', () => {
    const result = profileCompleteness(filledExcept('profileImage', 'phone', 'bio'));
    expect(result).toMatchObject({
      percentage: 62, // 5 of 8 = 62.5
      completedFields: 5,
      missingFields: ['phone', 'bio', 'profileImage'],
      isComplete: false,
    });
  });

  it('never reaches 100 with one field missing', () => {
    expect(profileCompleteness(filledExcept('defaultBillingAddress')).percentage).toBe(87);
  });

  it('is 0% when nothing is filled', () => {
    const none = Object.fromEntries(COMPLETENESS_FIELDS.map((f) => [f, false])) as Record<
      CompletenessField,
      boolean
    >;
    expect(profileCompleteness(none)).toMatchObject({ percentage: 0, completedFields: 0 });
  });
});
