"""A provincial story the dedup tests compare copies of."""

ROAD = (
    "Ủy ban nhân dân tỉnh vừa phê duyệt dự án nâng cấp tuyến đường nối trung tâm huyện Ba Chẽ "
    "với quốc lộ 18, tổng chiều dài hơn 24 km, tổng mức đầu tư khoảng 680 tỷ đồng từ nguồn "
    "ngân sách tỉnh và ngân sách trung ương.",
    "Theo thiết kế, tuyến đường được mở rộng lên bốn làn xe, mặt đường bê tông nhựa, có hệ thống "
    "chiếu sáng và thoát nước đồng bộ. Dự án sẽ khởi công trong quý I năm sau và phấn đấu hoàn "
    "thành sau hai mươi bốn tháng thi công.",
    "Lãnh đạo huyện cho biết công tác giải phóng mặt bằng đã cơ bản hoàn tất, với 312 hộ dân đồng "
    "thuận bàn giao đất. Các hộ bị ảnh hưởng được bố trí tái định cư tại khu dân cư mới ở thị "
    "trấn, gần trường học và trạm y tế.",
    "Khi đi vào sử dụng, tuyến đường sẽ rút ngắn thời gian di chuyển từ Ba Chẽ về phường Hạ Long "
    "xuống còn khoảng một giờ, tạo điều kiện thu hút đầu tư vào các vùng trồng quế, trồng trà hoa "
    "vàng và phát triển du lịch văn hoá cộng đồng của đồng bào dân tộc thiểu số.",
    "Sở Xây dựng được giao làm chủ đầu tư, có trách nhiệm lựa chọn nhà thầu đủ năng lực, giám sát "
    "chặt chẽ chất lượng công trình và công khai tiến độ để nhân dân cùng theo dõi.",
)
