"""A realistic demo region (Zorg- en Veiligheidshuis Gooi en Vechtstreek) built through the
ordinary services, for demonstrations, manual testing and benchmarks (`manage.py demo_region`).

`builder.build_demo_region` builds the house, its partner organisations and their users; later
modules (referrals, meetings, plans) extend the returned `DemoRegion`.
"""
