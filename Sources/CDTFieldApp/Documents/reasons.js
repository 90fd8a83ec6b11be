// The server's refusals in words a member understands ([Vietnamese, English]), from the field it names
// (and, where the field alone does not say why, its rule): [field pattern, rule pattern or null, words].
const byField = [
  [/^unitId$/, null, ['Bạn không được ghi việc ở thôn (đơn vị) này: nó nằm ngoài nơi bạn phụ trách.', 'You may not record work in this village (unit): it is outside the area you work in.']],
  [/^payload\.householdId$/, null, ['Hộ này không thuộc thôn của bạn, hoặc không còn trong danh sách. Chọn đúng hộ rồi gửi lại.', 'This household is not in your village, or no longer listed. Choose the right household and send again.']],
  [/^payload\.(teamId|teamIds|intoTeamId)/, null, ['Tổ này không còn hoạt động (đã giải thể hoặc sáp nhập), hoặc ngoài nơi bạn phụ trách.', 'This team is no longer active (dissolved or merged), or outside the area you work in.']],
  [/^payload\.memberIds/, null, ['Một người được ghi là đi cùng không thuộc tổ của bạn.', 'Someone marked as coming along is not on your team.']],
  [/^payload\.attendeeIds/, null, ['Một người dự tập huấn không thuộc tổ của bạn.', 'An attendee is not on a team you work with.']],
  [/^payload\.memberId$/, null, ['Thành viên này không thuộc tổ, hoặc đã rời tổ.', 'This member is not on the team, or has left it.']],
  [/^payload\.person\.phone$/, null, ['Số điện thoại phải có 10 chữ số, bắt đầu bằng 0.', 'The phone number must have 10 digits and start with 0.']],
  [/^payload\.person/, null, ['Thông tin người này chưa đúng: xem lại tên, số điện thoại, năm sinh.', "This person's details are not right: check the name, phone and birth year."]],
  [/^payload\.role$/, null, ['Vai trò không hợp lệ (tổ đã có tổ trưởng?).', 'The role is not allowed (does the team already have a head?).']],
  [/^payload\.size$/, null, ['Số người trong hộ phải từ 1 đến 60.', 'A household has 1 to 60 people.']],
  [/^payload\.residents/, null, ['Số người theo độ tuổi chưa khớp với số người trong hộ.', "The residents by age do not add up to the household's size."]],
  [/^payload\.(skills|services)/, null, ['Lần thăm phải ghi ít nhất một kỹ năng hoặc dịch vụ.', 'A visit must record at least one skill or service.']],
  [/^payload\.decision/, null, ['Thông tin quyết định thành lập chưa đúng (số, ngày, người ký).', 'The decision is not right (number, date, signer).']],
  [/^payload\.chatLink$/, null, ['Đường dẫn nhóm phải là một địa chỉ https://.', 'The group link must be an https:// address.']],
  [/^occurredAt$/, /future/, ['Giờ trên điện thoại đang nhanh hơn giờ thật: chỉnh lại ngày giờ của điện thoại rồi gửi lại.', "The phone's clock is ahead of the real time: set the phone's date and time, then send again."]],
  [/^occurredAt$/, null, ['Việc này đã quá lâu để ghi lại (quá hạn ghi lùi ngày).', 'This happened too long ago to be recorded.']],
  [/^authorId$/, null, ['Tài khoản này không được ghi thay người khác. Đăng nhập bằng tài khoản của bạn.', 'This account may not record for someone else. Sign in with your own account.']],
  [/^type$/, null, ['Bạn không có quyền ghi loại việc này.', 'You may not record this kind of work.']],
];

/** Why an item was not taken: [vi, en]. */
export function explain(outcome, errors, type, detail) {
  if (outcome === 'conflict') {
    return ['Máy chủ đã có một việc khác mang mã của mục này. Bấm “Sửa và gửi lại”: mục sẽ được gửi với mã mới.', 'The server holds something else under this item’s id. Press “Correct and send again”: it is sent under a new id.'];
  }
  if (outcome === 'changedMeanwhile') {
    return ['Trong lúc bạn ngoại tuyến, người khác đã sửa hộ này. Xem thông tin mới rồi chọn: gửi bản của bạn, hoặc bỏ.', 'While you were offline someone else changed this household. Look at the new details, then send yours anyway or drop it.'];
  }
  for (const error of errors) {
    for (const [field, rule, words] of byField) {
      if (field.test(error.field) && (!rule || rule.test(error.rule || ''))) return words;
    }
  }
  const technical = errors.map(error => `${error.field}: ${error.rule}`).join('; ') || detail || '';
  return [`Máy chủ không nhận mục này. ${technical}`.trim(), `The server did not take this item. ${technical}`.trim()];
}
