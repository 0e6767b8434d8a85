"""The ward's yearly plan (Kế hoạch): sections, activities with their units, and evidence."""
