// The team leader's screens (roster, new member, who left, trainings).
export const screens = {};
