"""Layouts: functions that return Dash component trees and figure builders. No data access."""
