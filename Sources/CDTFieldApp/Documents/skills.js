// The five basic skills and four services a visit records, and what each can be marked, in both languages.
export const skills = [
  ['onlinePublicServices', ['Dịch vụ công trực tuyến', 'Online public services']],
  ['onlineShopping', ['Mua sắm trực tuyến', 'Online shopping']],
  ['onlinePayment', ['Thanh toán không dùng tiền mặt', 'Cashless payment']],
  ['cyberSafety', ['An toàn trên mạng', 'Online safety']],
  ['otherPlatforms', ['Nền tảng số Việt Nam khác', 'Other Vietnamese platforms']],
];

export const services = [
  ['vneidActivated', ['Kích hoạt VNeID', 'VNeID activated']],
  ['ePaymentAccountOpened', ['Mở tài khoản thanh toán điện tử', 'E-payment account opened']],
  ['digitalStoreOpened', ['Mở cửa hàng số', 'Digital store opened']],
  ['onlinePublicServiceUsed', ['Đã dùng dịch vụ công trực tuyến', 'Used an online public service']],
];

export const outcomes = [
  ['', ['Chưa làm', 'Not done']],
  ['guided', ['Đã hướng dẫn', 'Guided']],
  ['mastered', ['Đã thành thạo', 'Mastered']],
  ['notApplicable', ['Không áp dụng', 'Not applicable']],
];

export const notApplicableReasons = [
  ['elderly', ['Người cao tuổi', 'Elderly']],
  ['noDevice', ['Không có thiết bị', 'No device']],
  ['refused', ['Từ chối', 'Refused']],
  ['movedAway', ['Đã chuyển đi', 'Moved away']],
];

export const ageBands = [
  ['0-14', ['Dưới 15 tuổi', 'Under 15']],
  ['15-59', ['15 đến 59 tuổi', '15 to 59']],
  ['60+', ['Từ 60 tuổi', '60 and over']],
];

/** The name of a skill or service key, [vi, en]. */
export function nameOf(key) {
  return (skills.find(([k]) => k === key) || services.find(([k]) => k === key) || [key, [key, key]])[1];
}
