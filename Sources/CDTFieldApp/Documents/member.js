// The screens of a member (and of team leaders and commune officers when they do a member's work).
import { screens as households } from './households.js';
import { screens as visit } from './visit.js';
import { screens as householdForm } from './household-form.js';
import { screens as progress } from './progress.js';

export const screens = { ...households, ...visit, ...householdForm, ...progress };
