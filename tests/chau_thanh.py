"""The second district's workspace (Huyện Châu Thành, 2023-Q2 and 2023-Q3), as text: built by
tests/behaviour/test_documents_other_district.py, the conformance tests and scripts/golden.py."""

CONFIG = """\
province = "An Giang"
tasks_next_quarter = ["Đẩy mạnh hướng dẫn người dân nộp hồ sơ trực tuyến toàn trình"]

[labels]
online_services = "dịch vụ công trực tuyến toàn trình và một phần"

[targets]
on_time_share = { huyen = 0.98, xa = 0.98 }
online_share = { huyen = 0.30, xa = 0.10 }

[issuers.bao-cao]
number = 7
recipients = ["UBND tỉnh An Giang (b/c)"]

[signers.CT.thong-bao]
name = "Lê Minh Tâm"
title = "PHÓ CHÁNH VĂN PHÒNG"
authority = "KT. CHÁNH VĂN PHÒNG"
"""


UNITS = """\
ma_don_vi,ten_don_vi,cap,ma_cap_tren,dia_danh,nguoi_ky
CT,Huyện Châu Thành,huyen,,Châu Thành,Nguyễn Văn Bình
CT-CD,Thị trấn An Châu,xa,CT,An Châu,Trần Văn Một
CT-AH,Xã An Hòa,xa,CT,An Hòa,Phạm Thị Hai
CT-BH,Xã Bình Hòa,xa,CT,Bình Hòa,Lý Văn Ba
"""


FIGURES = """\
ky,ma_don_vi,truc_tuyen,truc_tiep,buu_chinh,ky_truoc,truoc_han,dung_han,qua_han,dang_trong_han,dang_qua_han
2023-Q2,CT,450,700,80,40,700,420,5,140,5
2023-Q2,CT-CD,30,210,8,4,160,75,2,15,0
2023-Q2,CT-AH,15,160,4,3,110,60,1,11,0
2023-Q2,CT-BH,12,110,2,1,70,45,0,10,0
2023-Q3,CT,500,700,100,50,800,390,10,140,10
2023-Q3,CT-CD,40,200,10,5,150,80,8,15,2
2023-Q3,CT-AH,20,150,5,5,100,60,4,16,0
2023-Q3,CT-BH,10,120,3,2,80,45,0,10,0
"""


MEETING = """\
don_vi: CT
ky: 2023-Q3
ngay: 2023-09-20
buoi: chieu
chu_tri: {ho_ten: Nguyễn Văn Bình, danh_xung: ông, chuc_vu: Chủ tịch Ủy ban nhân dân huyện Châu Thành}
thanh_phan: [Thủ trưởng các phòng, ban thuộc UBND huyện, Chủ tịch UBND các xã, thị trấn]
thao_luan:
  noi_dung: [nguyên nhân hồ sơ trễ hạn ở cấp xã, giải pháp tăng hồ sơ trực tuyến toàn trình]
  con_nua: false
chi_dao:
  - noi_dung: khắc phục ngay tình trạng hồ sơ trễ hạn ở cấp xã
    don_vi: UBND thị trấn An Châu
tac_gia: {ho_ten: Thu Hà, don_vi: Trung tâm VH-TT huyện Châu Thành}
"""
